// The dm-snapshot persistent exception store, read offline: the numbers `dmsetup status live-rw`
// prints for the overlay file, computed the way the kernel computes them when it loads the
// snapshot (livecd-spec.md §3; kernel drivers/md/dm-snap-persistent.c). Reads the header chunk and
// one chunk per metadata area (≈ 1 MiB of overlay each with 4 KiB chunks), nothing else.
import type { ByteSource } from '../io/byteSource';

/** `SNAP_MAGIC`, the bytes "SnAp" read as le32 (dm-snap-persistent.c). */
export const SNAP_MAGIC = 0x70416e53;
/** `SNAPSHOT_DISK_VERSION`: any other version is refused by read_header's caller. */
export const SNAPSHOT_DISK_VERSION = 1;
/** dracut's table: `snapshot <base> <cow> PO 8` (livecd-spec.md §2.2 step 5). */
export const DRACUT_CHUNK_SECTORS = 8;
const SECTOR = 512;
/** `struct disk_exception { le64 old_chunk; le64 new_chunk; }`. */
const EXCEPTION_BYTES = 16;
/** `NUM_SNAPSHOT_HDR_CHUNKS`: chunk 0 is the header. */
const HEADER_CHUNKS = 1;
/**
 * Areas read at once, at most: the kernel prefetches 12 (`DM_PREFETCH_CHUNKS`). The batch grows
 * with the areas already found full, so a nearly empty store costs a read or two past its end.
 */
const MAX_AREAS_PER_BATCH = 32;

export type CowState =
  /** Chunk 0 reads as zeros: the kernel will initialise the store on first activation. */
  | 'fresh'
  | 'in-use'
  /** No chunk can be allocated any more: the kernel's ENOSPC test (persistent_prepare_exception). */
  | 'overflowed'
  /** valid = 0 in the header, or metadata the kernel cannot read: the kernel reports `Invalid` or refuses it. */
  | 'invalid'
  /** SnAp magic, but a version or chunk size the kernel refuses. */
  | 'unsupported'
  /** Neither zero nor SnAp in the first four bytes: dracut would not use it as a dm-snapshot store. */
  | 'not-a-dm-overlay';

export interface CowUsage {
  readonly state: CowState;
  /** Chunk size in 512-byte sectors: the header's, or dracut's 8 for a fresh store. */
  readonly chunkSectors: number;
  /** `sectors_allocated` = next_free × chunk size (header, metadata and data chunks). */
  readonly allocatedSectors: number;
  /** The COW device's size in sectors, as the loop device over the file has it. */
  readonly totalSectors: number;
  /** `metadata_sectors` = (current_area + 2) × chunk size. */
  readonly metadataSectors: number;
  /** Committed exceptions, i.e. data chunks holding changed blocks. */
  readonly exceptions: number;
  /** The kernel's `current_area`: the first metadata area that is not full. */
  readonly currentArea: number;
  /** Chunk index the next exception would be stored at. */
  readonly nextFree: number;
  /** What the status line will say once the snapshot is loaded: `16/524288 16`, or `Invalid`. */
  readonly kernelStatus: string | null;
  /** Why the state is what it is, when that is not obvious. */
  readonly note: string | null;
  readonly bytesRead: number;
}

/** The kernel's chunk-size rules (dm_exception_store_set_chunk_size): a power of two, ≥ one sector. */
function validChunkSectors(sectors: number): boolean {
  return sectors > 0 && (sectors & (sectors - 1)) === 0 && sectors <= 0x7fffffff >> 9;
}

/** `area_location`: metadata area `a` sits at chunk 1 + (epa + 1) × a. */
export function areaLocation(area: number, exceptionsPerArea: number): number {
  return HEADER_CHUNKS + (exceptionsPerArea + 1) * area;
}

/** `skip_metadata`: next_free never points at a metadata chunk. */
export function skipMetadata(nextFree: number, exceptionsPerArea: number): number {
  return nextFree % (exceptionsPerArea + 1) === HEADER_CHUNKS ? nextFree + 1 : nextFree;
}

/** The ENOSPC test of persistent_prepare_exception: is there room for one more chunk? */
export function isExhausted(nextFree: number, chunkSectors: number, totalSectors: number): boolean {
  return totalSectors < (nextFree + 1) * chunkSectors;
}

export function formatKernelStatus(allocated: number, total: number, metadata: number): string {
  return `${allocated}/${total} ${metadata}`;
}

/** Reads the store in `source` (the overlay file's bytes) and returns the kernel's figures. */
export async function readCowUsage(source: ByteSource): Promise<CowUsage> {
  const totalSectors = Math.floor(source.size / SECTOR);
  let bytesRead = 0;
  const read = async (offset: number, length: number): Promise<Buffer> => {
    bytesRead += length;
    return source.read(offset, length);
  };
  const base = { totalSectors, exceptions: 0, currentArea: 0 };
  if (source.size < 16) {
    return { ...base, state: 'not-a-dm-overlay', chunkSectors: DRACUT_CHUNK_SECTORS, allocatedSectors: 0, metadataSectors: 0, nextFree: 0, kernelStatus: null, note: `the file is only ${source.size} bytes`, bytesRead };
  }
  const header = await read(0, 16);
  const magic = header.readUInt32LE(0);
  const valid = header.readUInt32LE(4);
  const version = header.readUInt32LE(8);
  const headerChunk = header.readUInt32LE(12);

  if (magic === 0) {
    // read_header: magic 0 = new snapshot; persistent_read_metadata writes the header, zeroes
    // area 0 and starts with next_free = 2, current_area = 0.
    const cs = DRACUT_CHUNK_SECTORS;
    const fresh = { ...base, chunkSectors: cs, nextFree: 2, allocatedSectors: 2 * cs, metadataSectors: 2 * cs, bytesRead };
    const exhausted = isExhausted(2, cs, totalSectors);
    return {
      ...fresh,
      state: exhausted ? 'overflowed' : 'fresh',
      kernelStatus: formatKernelStatus(2 * cs, totalSectors, 2 * cs),
      note: exhausted ? 'the file is too small to hold a single changed chunk' : null,
    };
  }
  if (magic !== SNAP_MAGIC) {
    return { ...base, state: 'not-a-dm-overlay', chunkSectors: DRACUT_CHUNK_SECTORS, allocatedSectors: 0, metadataSectors: 0, nextFree: 0, kernelStatus: null, note: `the file starts with 0x${magic.toString(16).padStart(8, '0')}, not the SnAp magic or zeros`, bytesRead };
  }
  if (version !== SNAPSHOT_DISK_VERSION || !validChunkSectors(headerChunk)) {
    const why = version !== SNAPSHOT_DISK_VERSION ? `store version ${version} (the kernel knows only 1)` : `chunk size ${headerChunk} sectors`;
    return { ...base, state: 'unsupported', chunkSectors: headerChunk, allocatedSectors: 0, metadataSectors: 0, nextFree: 0, kernelStatus: null, note: `the kernel refuses this store: ${why}`, bytesRead };
  }

  const cs = headerChunk;
  const chunkBytes = cs * SECTOR;
  const epa = chunkBytes / EXCEPTION_BYTES;
  // persistent_ctr: next_free starts after the header and the first metadata area.
  let nextFree = HEADER_CHUNKS + 1;
  let exceptions = 0;
  let area = 0;
  let pastEnd = false;
  // read_exceptions: walk the areas until one is not full (insert_exceptions' end marker is the
  // first record with new_chunk == 0, which would point at the header).
  walk: for (;;) {
    const batch: number[] = [];
    const batchSize = Math.min(MAX_AREAS_PER_BATCH, Math.max(1, area));
    for (let a = area; a < area + batchSize; a += 1) {
      const offset = areaLocation(a, epa) * chunkBytes;
      if (offset + chunkBytes > source.size) break;
      batch.push(offset);
    }
    if (batch.length === 0) {
      pastEnd = true;
      break;
    }
    const chunks = await Promise.all(batch.map((offset) => read(offset, chunkBytes)));
    for (const chunk of chunks) {
      let full = true;
      for (let i = 0; i < epa; i += 1) {
        const newChunk = readChunkIndex(chunk, i * EXCEPTION_BYTES + 8);
        if (newChunk === 0) {
          full = false;
          break;
        }
        exceptions += 1;
        if (nextFree <= newChunk) nextFree = newChunk + 1;
      }
      if (!full) break walk;
      area += 1;
    }
  }
  nextFree = skipMetadata(nextFree, epa);
  const allocatedSectors = nextFree * cs;
  const metadataSectors = (area + HEADER_CHUNKS + 1) * cs;
  const usage = { totalSectors, exceptions, currentArea: area, chunkSectors: cs, nextFree, allocatedSectors, metadataSectors, bytesRead };
  if (valid === 0) {
    // persistent_read_metadata returns 1 for an invalidated store: the target says `Invalid`
    // and fails every I/O; only zeroing chunk 0 (rd.live.overlay.reset) makes it usable again.
    return { ...usage, state: 'invalid', kernelStatus: 'Invalid', note: 'the kernel marked this overlay invalid (it overflowed without the O option, or hit an I/O error); its changes are lost' };
  }
  if (pastEnd) {
    return { ...usage, state: 'invalid', kernelStatus: null, note: `metadata area ${area} would lie past the end of the file: the kernel cannot load this store` };
  }
  const exhausted = isExhausted(nextFree, cs, totalSectors);
  return {
    ...usage,
    state: exhausted ? 'overflowed' : 'in-use',
    kernelStatus: formatKernelStatus(allocatedSectors, totalSectors, metadataSectors),
    note: exhausted ? 'no free chunk is left: the next write to a block not yet changed fails (the kernel reports Overflow)' : null,
  };
}

/** A le64 chunk index; past 2^53 it cannot be a chunk of any file we can read, so it is clamped. */
function readChunkIndex(chunk: Buffer, offset: number): number {
  const low = chunk.readUInt32LE(offset);
  const high = chunk.readUInt32LE(offset + 4);
  return high >= 0x200000 ? Number.MAX_SAFE_INTEGER - 1 : high * 2 ** 32 + low;
}
