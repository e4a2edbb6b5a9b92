// A byte source is anything we can read at an offset without streaming through it: an image
// file, a block device, a window inside another source (a FAT image inside an ISO), or a file
// inside an ISO made of several extents. Every reader in engine/iso and engine/fs sits on this.

export interface ByteSource {
  /** Length in bytes. */
  readonly size: number;
  /** Exactly `length` bytes at `offset`; throws when the range is not inside the source. */
  read(offset: number, length: number): Promise<Buffer>;
}

/**
 * A read outside a source's bounds. Inner sources (slices, extent maps, buffers) throw it; the
 * caller decides what it means (a damaged embedded filesystem, a truncated image …).
 */
export class ByteRangeError extends Error {
  constructor(
    readonly offset: number,
    readonly length: number,
    readonly sourceSize: number,
    what = 'source',
  ) {
    super(`read of ${length} bytes at offset ${offset} is outside the ${what} (${sourceSize} bytes)`);
    this.name = 'ByteRangeError';
  }
}

export function checkRange(offset: number, length: number, size: number, what?: string): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > size
  ) {
    throw new ByteRangeError(offset, length, size, what);
  }
}
