import { checkRange, type ByteSource } from './byteSource';

/** A window of another source: a partition, or a FAT image stored contiguously in an ISO. */
export class SliceByteSource implements ByteSource {
  constructor(
    private readonly parent: ByteSource,
    readonly start: number,
    readonly size: number,
  ) {
    checkRange(start, size, parent.size, 'parent source');
  }

  read(offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length, this.size, 'slice');
    return this.parent.read(this.start + offset, length);
  }
}
