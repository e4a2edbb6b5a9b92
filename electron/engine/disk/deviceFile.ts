// The target opened for writing: positional reads and writes with every OS failure mapped to an
// error code. Block devices are opened O_EXCL, which the kernel refuses while any partition is
// mounted or another program holds the disk exclusively — an atomic check, unlike reading
// /proc/mounts (style-security.md B.4). There is no fallback to a shared open.
import { open, type FileHandle } from 'node:fs/promises';
import { constants, statfsSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { StickwrightError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/units';
import { AlignedBufferPool, ALIGNMENT } from './alignedBuffers';

export interface ByteSink {
  write(buffer: Uint8Array, offset: number): Promise<void>;
  read(length: number, offset: number): Promise<Buffer>;
}

/** Writes at least this large, and aligned, bypass the page cache (O_DIRECT), as dd oflag=direct. */
const DIRECT_MIN = 64 * 1024;
const DIRECT_SLOT = 4 * 2 ** 20;

export class DeviceFile implements ByteSink {
  private readonly pool = new AlignedBufferPool(DIRECT_SLOT, 4);
  private writeListener: ((buffer: Uint8Array, offset: number) => void) | null = null;

  private constructor(
    private readonly handle: FileHandle,
    /** The same target opened O_DIRECT, when the system allows it (not on tmpfs, say). */
    private readonly direct: FileHandle | null,
    readonly path: string,
    readonly size: number,
  ) {}

  static async open(path: string, options: { readonly block: boolean; readonly size: number }): Promise<DeviceFile> {
    const flags = constants.O_RDWR | (options.block ? constants.O_EXCL : 0);
    let handle: FileHandle;
    try {
      handle = await open(path, flags);
    } catch (error) {
      throw deviceError(error, path, 'opening the target');
    }
    // Bulk data goes around the page cache, so it reaches the stick as it is written (progress
    // means what it says) and does not fill memory with dirty pages. Metadata stays buffered.
    const direct = await open(path, constants.O_WRONLY | constants.O_DIRECT).catch(() => null);
    return new DeviceFile(handle, direct, path, options.size);
  }

  /** Every later write, once it succeeded, is also handed to `listener` (the verify ledger). */
  onWrite(listener: (buffer: Uint8Array, offset: number) => void): void {
    this.writeListener = listener;
  }

  async write(buffer: Uint8Array, offset: number): Promise<void> {
    if (offset < 0 || offset + buffer.length > this.size) {
      throw new StickwrightError('WRITE_FAILED', `a write of ${buffer.length} bytes at ${offset} would pass the end of the target (${this.size} bytes)`);
    }
    if (this.direct && buffer.length >= DIRECT_MIN && buffer.length % ALIGNMENT === 0 && offset % ALIGNMENT === 0) {
      for (let at = 0; at < buffer.length; at += DIRECT_SLOT) {
        const piece = buffer.subarray(at, Math.min(buffer.length, at + DIRECT_SLOT));
        if (!(await this.writeDirect(piece, offset + at))) await this.writeBuffered(piece, offset + at);
      }
    } else {
      await this.writeBuffered(buffer, offset);
    }
    this.writeListener?.(buffer, offset);
  }

  /**
   * `buffer` lies in page-aligned memory (a slot of an AlignedBufferPool, at a multiple of
   * 4 KiB): written O_DIRECT as it is, without the copy into a slot of our own. Anything the
   * direct path cannot take (an odd length or offset, no O_DIRECT) goes the way write() goes.
   */
  async writeAligned(buffer: Buffer, offset: number): Promise<void> {
    if (!this.direct || buffer.length % ALIGNMENT !== 0 || offset % ALIGNMENT !== 0) return this.write(buffer, offset);
    if (offset < 0 || offset + buffer.length > this.size) {
      throw new StickwrightError('WRITE_FAILED', `a write of ${buffer.length} bytes at ${offset} would pass the end of the target (${this.size} bytes)`);
    }
    let done = 0;
    while (done < buffer.length) {
      let written: number;
      try {
        ({ bytesWritten: written } = await this.direct.write(buffer, done, buffer.length - done, offset + done));
      } catch (error) {
        throw deviceError(error, this.path, `writing at byte ${offset + done}`);
      }
      if (written === 0) throw new StickwrightError('TARGET_FULL', `${this.path}: no progress writing at byte ${offset + done}`);
      done += written;
    }
    this.writeListener?.(buffer, offset);
  }

  /** O_DIRECT through an aligned slot; false when no slot is free (then the caller buffers). */
  private async writeDirect(piece: Uint8Array, offset: number): Promise<boolean> {
    const slot = this.pool.acquire();
    if (!slot || !this.direct) return false;
    try {
      slot.set(piece);
      let done = 0;
      while (done < piece.length) {
        let written: number;
        try {
          ({ bytesWritten: written } = await this.direct.write(slot, done, piece.length - done, offset + done));
        } catch (error) {
          throw deviceError(error, this.path, `writing at byte ${offset + done}`);
        }
        if (written === 0) throw new StickwrightError('TARGET_FULL', `${this.path}: no progress writing at byte ${offset + done}`);
        done += written;
      }
      return true;
    } finally {
      this.pool.release(slot);
    }
  }

  private async writeBuffered(buffer: Uint8Array, offset: number): Promise<void> {
    let done = 0;
    while (done < buffer.length) {
      let written: number;
      try {
        ({ bytesWritten: written } = await this.handle.write(buffer, done, buffer.length - done, offset + done));
      } catch (error) {
        throw deviceError(error, this.path, `writing at byte ${offset + done}`);
      }
      if (written === 0) throw new StickwrightError('TARGET_FULL', `${this.path}: no progress writing at byte ${offset + done}`);
      done += written;
    }
  }

  async read(length: number, offset: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      let got: number;
      try {
        ({ bytesRead: got } = await this.handle.read(buffer, done, length - done, offset + done));
      } catch (error) {
        throw deviceError(error, this.path, `reading at byte ${offset + done}`);
      }
      if (got === 0) break;
      done += got;
    }
    return buffer;
  }

  /** Data and the device's cache to stable storage. The first failure is final: after an fsync
   *  error Linux may drop the dirty pages, so a retry could "succeed" without the data. */
  async flush(): Promise<void> {
    try {
      await this.handle.sync();
      await this.direct?.sync();
    } catch (error) {
      throw deviceError(error, this.path, 'flushing');
    }
  }

  /** fstat of the opened handle (the identity check compares it with what was chosen). */
  stat(): Promise<Stats> {
    return this.handle.stat();
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await this.direct?.close().catch(() => undefined);
  }
}

/** Errnos that mean the device itself went away: unplugged (ENODEV, ENXIO, the node gone),
 *  a card pulled from its reader (ENOMEDIUM), the storage behind an image file gone (ENOTCONN,
 *  ESHUTDOWN: a FUSE or network filesystem whose server died). */
const GONE_ERRNOS = new Set(['ENODEV', 'ENXIO', 'ENOENT', 'ENOMEDIUM', 'ENOTCONN', 'ESHUTDOWN']);

export function deviceError(error: unknown, path: string, what: string): StickwrightError {
  if (error instanceof StickwrightError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const detail = `${path}: ${what}`;
  switch (code) {
    case 'EBUSY':
      return new StickwrightError('TARGET_BUSY', detail, { path });
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new StickwrightError('TARGET_READ_ONLY', `${detail} (${code})`, { path });
    case 'ENOSPC':
    case 'EFBIG':
      return targetFull(path, detail, code);
    case 'EIO': {
      // A block device that answers EIO was unplugged or stopped responding (a failing stick
      // looks the same from here, and the advice is the same: it is incomplete, write it again).
      // An image file's EIO is the disk holding it failing: a write failure with its errno.
      const kind = kindOf(path);
      if (kind !== 'file') {
        const why = kind === 'gone' ? 'it is no longer there' : 'the device stopped answering (EIO): unplugged, or failing';
        return new StickwrightError('DEVICE_GONE', `${detail}: ${why}`, { path, errno: code });
      }
      return new StickwrightError('WRITE_FAILED', `${detail}: ${(error as Error).message}`, { path, errno: code });
    }
    default:
      if (code && GONE_ERRNOS.has(code)) return new StickwrightError('DEVICE_GONE', `${detail} (${code})`, { path, errno: code });
      return new StickwrightError('WRITE_FAILED', `${detail}: ${(error as Error).message}`, { path, errno: code ?? null });
  }
}

/** A block device, an image file, or nothing there any more (synchronous: an error path only). */
function kindOf(path: string): 'block' | 'file' | 'gone' {
  try {
    return statSync(path).isBlockDevice() ? 'block' : 'file';
  } catch {
    return 'gone';
  }
}

/** ENOSPC/EFBIG with the sizes that explain it: how big the target is, how much of an image file
 *  is written so far, and what the filesystem holding it has left. */
function targetFull(path: string, detail: string, code: string): StickwrightError {
  let info: Stats | null = null;
  try {
    info = statSync(path);
  } catch {
    info = null;
  }
  if (!info?.isFile()) return new StickwrightError('TARGET_FULL', `${detail} (${code})`, { path, errno: code });
  const targetBytes = info.size;
  const allocatedBytes = info.blocks * 512;
  let freeBytes: number | null = null;
  try {
    const fs = statfsSync(dirname(path));
    freeBytes = fs.bavail * fs.bsize;
  } catch {
    freeBytes = null;
  }
  const free = freeBytes === null ? 'unknown free space' : `${formatBytes(freeBytes)} free`;
  const why =
    code === 'EFBIG'
      ? `the image file cannot be ${formatBytes(targetBytes)} on the filesystem holding it (EFBIG)`
      : `the filesystem holding the ${formatBytes(targetBytes)} image file is full: ${free}, ${formatBytes(allocatedBytes)} of the image written so far`;
  return new StickwrightError('TARGET_FULL', `${detail}: ${why}`, { path, errno: code, targetBytes, allocatedBytes, freeBytes });
}
