// The image file (or block device) as a byte source, with every OS failure turned into the
// error code a person can act on.
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { StickwrightError, type ErrorCode } from '../../../shared/errors';
import type { ByteSource } from './byteSource';

export interface FileByteSource extends ByteSource {
  readonly path: string;
  readonly isBlockDevice: boolean;
  close(): Promise<void>;
}

/** Opens `path` for positional reads; refuses directories, FIFOs, sockets and character devices. */
export async function openFileByteSource(path: string): Promise<FileByteSource> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw fromSystemError(error, path);
  }
  if (info.isDirectory()) throw new StickwrightError('SOURCE_IS_DIRECTORY', path, { path });
  // A FIFO is never opened: open(2) would block until a writer appears.
  if (!info.isFile() && !info.isBlockDevice()) {
    throw new StickwrightError('SOURCE_NOT_A_FILE', `${path} is a ${fileKind(info)}`, { path, kind: fileKind(info) });
  }
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fromSystemError(error, path);
  }
  const size = info.isBlockDevice() ? await blockDeviceSize(info) : info.size;
  return new HandleByteSource(handle, path, size, info.isBlockDevice());
}

class HandleByteSource implements FileByteSource {
  constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly size: number,
    readonly isBlockDevice: boolean,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new RangeError(`bad read range ${offset}+${length}`);
    }
    if (offset + length > this.size) {
      throw new StickwrightError(
        'SOURCE_TRUNCATED',
        `needed bytes up to ${offset + length} but the file has ${this.size}`,
        { path: this.path, fileSize: this.size, neededSize: offset + length },
      );
    }
    const buffer = Buffer.alloc(length);
    let done = 0;
    // Bounded: each pass either advances or ends (a zero-byte read means the file shrank).
    while (done < length) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(buffer, done, length - done, offset + done));
      } catch (error) {
        throw fromSystemError(error, this.path);
      }
      if (bytesRead === 0) {
        throw new StickwrightError('SOURCE_TRUNCATED', `the file ended at ${offset + done} while reading`, {
          path: this.path,
          fileSize: offset + done,
          neededSize: offset + length,
        });
      }
      done += bytesRead;
    }
    return buffer;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function fileKind(info: Stats): string {
  if (info.isFIFO()) return 'FIFO';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

/**
 * stat() reports 0 bytes for a block device; Linux publishes its size in 512-byte sectors in
 * sysfs (Documentation/ABI/stable/sysfs-block, "size"). Other systems: 0, so the caller falls
 * back to what the volume descriptor says.
 */
async function blockDeviceSize(info: Stats): Promise<number> {
  // glibc's gnu_dev_major/gnu_dev_minor bit layout of dev_t.
  const dev = BigInt(info.rdev);
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  try {
    const sectors = Number((await readFile(`/sys/dev/block/${major}:${minor}/size`, 'utf8')).trim());
    return Number.isSafeInteger(sectors) ? sectors * 512 : 0;
  } catch {
    return 0;
  }
}

const CODE_BY_ERRNO: Readonly<Record<string, ErrorCode>> = {
  ENOENT: 'SOURCE_NOT_FOUND',
  ENOTDIR: 'SOURCE_NOT_FOUND',
  ELOOP: 'SOURCE_NOT_FOUND',
  ENAMETOOLONG: 'SOURCE_NOT_FOUND',
  EISDIR: 'SOURCE_IS_DIRECTORY',
  EACCES: 'SOURCE_PERMISSION_DENIED',
  EPERM: 'SOURCE_PERMISSION_DENIED',
  EIO: 'SOURCE_READ_ERROR',
  ENXIO: 'SOURCE_READ_ERROR',
  ENODEV: 'SOURCE_READ_ERROR',
};

/** Maps a Node system error to our code; anything unexpected is a read error with the errno. */
export function fromSystemError(error: unknown, path: string): StickwrightError {
  if (error instanceof StickwrightError) return error;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  const code = CODE_BY_ERRNO[errno] ?? 'SOURCE_READ_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return new StickwrightError(code, `${path}: ${errno}`, { path, errno, message }, { cause: error });
}
