import { checkRange, type ByteSource } from './byteSource';

/** A source over bytes already in memory: tests, and small images read whole. */
export class BufferByteSource implements ByteSource {
  readonly size: number;

  constructor(private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length, this.size, 'buffer');
    return Buffer.from(this.bytes.subarray(offset, offset + length));
  }
}
