// The target opened for writing: positional reads and writes with every OS failure mapped to an
// error code. Block devices are opened O_EXCL, which the kernel refuses while any partition is
// mounted or another program holds the disk exclusively — an atomic check, unlike reading
// /proc/mounts (style-security.md B.4). There is no fallback to a shared open.
import { open, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { StickwrightError } from '../../../shared/errors';

export interface ByteSink {
  write(buffer: Uint8Array, offset: number): Promise<void>;
  read(length: number, offset: number): Promise<Buffer>;
}

export class DeviceFile implements ByteSink {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly size: number,
  ) {}

  static async open(path: string, options: { readonly block: boolean; readonly size: number }): Promise<DeviceFile> {
    const flags = constants.O_RDWR | (options.block ? constants.O_EXCL : 0);
    try {
      return new DeviceFile(await open(path, flags), path, options.size);
    } catch (error) {
      throw deviceError(error, path, 'opening the target');
    }
  }

  async write(buffer: Uint8Array, offset: number): Promise<void> {
    if (offset < 0 || offset + buffer.length > this.size) {
      throw new StickwrightError('WRITE_FAILED', `a write of ${buffer.length} bytes at ${offset} would pass the end of the target (${this.size} bytes)`);
    }
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
    } catch (error) {
      throw deviceError(error, this.path, 'flushing');
    }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

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
      return new StickwrightError('TARGET_FULL', detail, { path });
    case 'ENODEV':
    case 'ENXIO':
    case 'ENOENT':
      return new StickwrightError('DEVICE_GONE', detail, { path });
    default:
      return new StickwrightError('WRITE_FAILED', `${detail}: ${(error as Error).message}`, { path, errno: code ?? null });
  }
}
