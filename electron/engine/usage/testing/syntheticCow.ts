// Synthetic dm-snapshot COW stores for tests, laid out the way the kernel writes them
// (dm-snap-persistent.c): header in chunk 0, metadata area a at chunk 1 + (epa + 1) × a, each
// area's exceptions pointing at the data chunks that follow it, the next area zeroed once one
// fills. Only the header and the metadata chunks are produced; data chunks are left as they are.

export interface CowLayoutOptions {
  /** Chunk size in 512-byte sectors (dracut: 8). */
  readonly chunkSectors: number;
  /** Committed exceptions (changed chunks). */
  readonly exceptions: number;
  /** The header's valid field; default 1. */
  readonly valid?: number;
  readonly version?: number;
  /** File size in bytes; chunks past it are not produced (the kernel could not have written them). */
  readonly fileSize: number;
}

export interface CowWrite {
  readonly offset: number;
  readonly bytes: Buffer;
}

const SNAP_MAGIC = 0x70416e53;

/** Header and metadata chunks of a store with `exceptions` committed, as (offset, bytes) writes. */
export function cowLayout(options: CowLayoutOptions): CowWrite[] {
  const chunkBytes = options.chunkSectors * 512;
  const epa = chunkBytes / 16;
  const header = Buffer.alloc(chunkBytes);
  header.writeUInt32LE(SNAP_MAGIC, 0);
  header.writeUInt32LE(options.valid ?? 1, 4);
  header.writeUInt32LE(options.version ?? 1, 8);
  header.writeUInt32LE(options.chunkSectors, 12);
  const writes: CowWrite[] = [{ offset: 0, bytes: header }];
  const areas = Math.floor(options.exceptions / epa) + 1; // the last one not full (maybe empty)
  let left = options.exceptions;
  for (let area = 0; area < areas; area += 1) {
    const location = 1 + (epa + 1) * area;
    const offset = location * chunkBytes;
    if (offset + chunkBytes > options.fileSize) break;
    const chunk = Buffer.alloc(chunkBytes);
    const count = Math.min(left, epa);
    for (let i = 0; i < count; i += 1) {
      // old_chunk: some origin chunk (distinct per exception); new_chunk: the data chunk after the area.
      chunk.writeBigUInt64LE(BigInt(area * epa + i) * 7n + 3n, i * 16);
      chunk.writeBigUInt64LE(BigInt(location + 1 + i), i * 16 + 8);
    }
    left -= count;
    writes.push({ offset, bytes: chunk });
  }
  return writes;
}

/** The whole store in memory (small sizes only). */
export function cowBytes(options: CowLayoutOptions): Buffer {
  const bytes = Buffer.alloc(options.fileSize);
  for (const write of cowLayout(options)) write.bytes.copy(bytes, write.offset);
  return bytes;
}

/**
 * What `dmsetup status` prints for that store, worked out from how the kernel hands out chunks
 * (data chunks in order, each metadata chunk skipped), not by walking the areas.
 */
export function expectedStatus(chunkSectors: number, exceptions: number, fileSize: number): { allocated: number; total: number; metadata: number } {
  const epa = (chunkSectors * 512) / 16;
  const total = Math.floor(fileSize / 512);
  if (exceptions === 0) return { allocated: 2 * chunkSectors, total, metadata: 2 * chunkSectors };
  const lastArea = Math.floor((exceptions - 1) / epa);
  const lastData = 1 + (epa + 1) * lastArea + 1 + ((exceptions - 1) % epa);
  // A full last area: the next free chunk is the next area's metadata chunk, which is skipped.
  const nextFree = exceptions % epa === 0 ? lastData + 2 : lastData + 1;
  const currentArea = Math.floor(exceptions / epa);
  return { allocated: nextFree * chunkSectors, total, metadata: (currentArea + 2) * chunkSectors };
}

/** The store as a byte source of any size: zeros except the header and metadata chunks. */
export function cowSource(options: CowLayoutOptions): { readonly size: number; read(offset: number, length: number): Promise<Buffer> } {
  const writes = cowLayout(options);
  return {
    size: options.fileSize,
    read(offset: number, length: number): Promise<Buffer> {
      if (offset < 0 || length < 0 || offset + length > options.fileSize) return Promise.reject(new RangeError(`read ${offset}+${length} outside ${options.fileSize}`));
      const out = Buffer.alloc(length);
      for (const write of writes) {
        const from = Math.max(offset, write.offset);
        const to = Math.min(offset + length, write.offset + write.bytes.length);
        if (from < to) write.bytes.copy(out, from - offset, from - write.offset, to - write.offset);
      }
      return Promise.resolve(out);
    },
  };
}
