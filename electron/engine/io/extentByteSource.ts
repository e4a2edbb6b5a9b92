import { checkRange, type ByteSource } from './byteSource';

export interface Extent {
  /** Byte offset in the parent source. */
  readonly start: number;
  /** Length in bytes. */
  readonly length: number;
}

/**
 * A file made of several extents laid end to end, as ISO 9660 multi-extent files are
 * (ECMA-119 §6.5.1, directory record flag bit 7): the logical file is the concatenation.
 */
export class ExtentByteSource implements ByteSource {
  readonly size: number;
  /** Logical offset at which each extent starts. */
  private readonly starts: number[];

  constructor(
    private readonly parent: ByteSource,
    private readonly extents: readonly Extent[],
  ) {
    let size = 0;
    this.starts = [];
    for (const extent of extents) {
      this.starts.push(size);
      size += extent.length;
    }
    this.size = size;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length, this.size, 'file');
    const parts: Buffer[] = [];
    let position = offset;
    let remaining = length;
    let index = this.findExtent(position);
    while (remaining > 0) {
      const extent = this.extents[index];
      const extentStart = this.starts[index];
      if (extent === undefined || extentStart === undefined) throw new Error('extent map out of step');
      const within = position - extentStart;
      const take = Math.min(remaining, extent.length - within);
      parts.push(await this.parent.read(extent.start + within, take));
      position += take;
      remaining -= take;
      index += 1;
    }
    return parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts, length);
  }

  /** Index of the extent holding logical `offset` (binary search; zero-length extents skipped). */
  private findExtent(offset: number): number {
    let low = 0;
    let high = this.extents.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    while (low < this.extents.length - 1 && (this.extents[low]?.length ?? 0) === 0) low += 1;
    return low;
  }
}
