// Positional access to a whole disk (a stick's block device or an image file) for the few
// sectors boot code lives in. The write pipeline may hand in its own (counting, cancellable)
// implementation; openFileDiskSink is the plain one.
import { open, type FileHandle } from 'node:fs/promises';

export interface DiskSink {
  /** Exactly `length` bytes at byte `offset`. */
  read(length: number, offset: number): Promise<Buffer>;
  /** All of `buffer` at byte `offset`. */
  write(buffer: Buffer, offset: number): Promise<void>;
  /** Optional: make what was written durable (fsync) before it is read back. */
  flush?(): Promise<void>;
}

export interface FileDiskSink extends DiskSink {
  readonly path: string;
  flush(): Promise<void>;
  close(): Promise<void>;
}

class HandleDiskSink implements FileDiskSink {
  constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  async read(length: number, offset: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) throw new RangeError(`${this.path}: read of ${length} bytes at ${offset} ran past the end`);
      done += bytesRead;
    }
    return buffer;
  }

  async write(buffer: Buffer, offset: number): Promise<void> {
    let done = 0;
    while (done < buffer.length) {
      const { bytesWritten } = await this.handle.write(buffer, done, buffer.length - done, offset + done);
      done += bytesWritten;
    }
  }

  async flush(): Promise<void> {
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Opens an image file or block device read-write (never creates or truncates). */
export async function openFileDiskSink(path: string): Promise<FileDiskSink> {
  return new HandleDiskSink(await open(path, 'r+'), path);
}
