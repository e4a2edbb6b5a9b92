import { checkRange, type ByteSource } from './byteSource';

export interface CacheOptions {
  /** Bytes per cached block; a power of two. Metadata reads are small and scattered. */
  readonly blockSize?: number;
  /** Blocks kept before the least recently used is dropped. */
  readonly maxBlocks?: number;
}

/**
 * A block cache in front of a slow source, and the meter for how much of the image we touched:
 * `bytesRead` counts what was fetched from the parent. Reads spanning several blocks fetch the
 * missing run in one call; reads larger than a few blocks (file contents) bypass the cache so
 * they do not evict the metadata around them.
 */
export class CachedByteSource implements ByteSource {
  readonly size: number;
  readonly blockSize: number;
  private readonly maxBlocks: number;
  /** Map order is recency order: a hit is deleted and re-inserted. */
  private readonly blocks = new Map<number, Buffer>();
  /** Blocks being fetched: the run's promise and where the block starts in it. */
  private readonly pending = new Map<number, { run: Promise<Buffer>; from: number }>();
  private fetched = 0;

  constructor(
    private readonly parent: ByteSource,
    options: CacheOptions = {},
  ) {
    this.size = parent.size;
    this.blockSize = options.blockSize ?? 16 * 1024;
    this.maxBlocks = Math.max(4, options.maxBlocks ?? 512);
    if (this.blockSize <= 0 || (this.blockSize & (this.blockSize - 1)) !== 0) {
      throw new RangeError(`cache block size ${this.blockSize} is not a power of two`);
    }
  }

  /** Bytes fetched from the underlying source so far. */
  get bytesRead(): number {
    return this.fetched;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length, this.size);
    if (length === 0) return Buffer.alloc(0);
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((offset + length - 1) / this.blockSize);
    if (last - first + 1 > 8) {
      this.fetched += length;
      return this.parent.read(offset, length);
    }
    const parts: Buffer[] = [];
    for (let index = first; index <= last; index += 1) {
      parts.push(await this.block(index, last));
    }
    const joined = parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts);
    const skip = offset - first * this.blockSize;
    return Buffer.from(joined.subarray(skip, skip + length));
  }

  private async block(index: number, lastWanted: number): Promise<Buffer> {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    const inFlight = this.pending.get(index);
    if (inFlight) return this.cut(await inFlight.run, inFlight.from);
    // Fetch this block and the following missing ones up to the last wanted, in one read.
    let end = index;
    while (end < lastWanted && !this.blocks.has(end + 1) && !this.pending.has(end + 1)) end += 1;
    const start = index * this.blockSize;
    const length = Math.min(this.size, (end + 1) * this.blockSize) - start;
    const run = this.parent.read(start, length);
    for (let i = index; i <= end; i += 1) this.pending.set(i, { run, from: (i - index) * this.blockSize });
    let bytes: Buffer;
    try {
      bytes = await run;
    } finally {
      for (let i = index; i <= end; i += 1) this.pending.delete(i);
    }
    this.fetched += bytes.length;
    for (let i = index; i <= end; i += 1) this.store(i, this.cut(bytes, (i - index) * this.blockSize));
    return this.cut(bytes, 0);
  }

  private cut(bytes: Buffer, from: number): Buffer {
    return bytes.subarray(from, Math.min(bytes.length, from + this.blockSize));
  }

  private store(index: number, bytes: Buffer): void {
    this.blocks.set(index, bytes);
    while (this.blocks.size > this.maxBlocks) {
      const oldest = this.blocks.keys().next();
      if (oldest.done) break;
      this.blocks.delete(oldest.value);
    }
  }
}
