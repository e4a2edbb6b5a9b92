// The bytes of a new file allocation table (fatgen103 §4), any byte range of it at a time so a
// FAT32 table of tens of MiB is never held whole. Every allocation is one contiguous run, so an
// entry is "next cluster" inside a run, end-of-chain at its end, and 0 (free) elsewhere.
import type { FatType } from './bootSector';
import { SECTOR_BYTES } from './chooseFatGeometry';

export interface ClusterRun {
  readonly firstCluster: number;
  readonly clusterCount: number;
}

export interface FatTableShape {
  readonly type: FatType;
  readonly media: number;
  readonly sectorsPerFat: number;
}

/**
 * §4: the end-of-chain mark written by Windows and Linux (any value ≥ 0xFF8/0xFFF8/0x0FFFFFF8
 * ends a chain). Entry 1 gets it too: on FAT16/32 its top bits are the "clean shutdown" and
 * "no disk error" flags, which must be set.
 */
const END_OF_CHAIN: Record<FatType, number> = { FAT12: 0xfff, FAT16: 0xffff, FAT32: 0x0fffffff };
/** §4: entry 0 holds the media byte in its low 8 bits, all other bits set. */
const MEDIA_ENTRY_HIGH_BITS: Record<FatType, number> = { FAT12: 0xf00, FAT16: 0xff00, FAT32: 0x0fffff00 };

/** `byteLength` bytes of one FAT copy from `byteOffset`; `runs` sorted by first cluster. */
export function encodeFatBytes(shape: FatTableShape, runs: readonly ClusterRun[], byteOffset: number, byteLength: number): Buffer {
  const fatBytes = shape.sectorsPerFat * SECTOR_BYTES;
  if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > fatBytes) {
    throw new RangeError(`FAT bytes ${byteOffset}+${byteLength} are outside the ${fatBytes}-byte table`);
  }
  if (shape.type === 'FAT12') {
    return encodeFat12(shape, runs, fatBytes).subarray(byteOffset, byteOffset + byteLength);
  }
  const entryBytes = shape.type === 'FAT16' ? 2 : 4;
  if (byteOffset % entryBytes !== 0 || byteLength % entryBytes !== 0) {
    throw new RangeError(`FAT bytes ${byteOffset}+${byteLength} cut through a ${entryBytes}-byte entry`);
  }
  const bytes = Buffer.alloc(byteLength);
  const first = byteOffset / entryBytes;
  const end = first + byteLength / entryBytes;
  const put = entryBytes === 2
    ? (cluster: number, value: number): void => void bytes.writeUInt16LE(value, (cluster - first) * 2)
    : (cluster: number, value: number): void => void bytes.writeUInt32LE(value, (cluster - first) * 4);
  forEachEntry(shape, runs, first, end, put);
  return bytes;
}

/** FAT12 packs two entries in three bytes (§4), so it is built whole; it is at most 6 KiB. */
function encodeFat12(shape: FatTableShape, runs: readonly ClusterRun[], fatBytes: number): Buffer {
  const bytes = Buffer.alloc(fatBytes);
  const entries = Math.floor((fatBytes * 2) / 3);
  forEachEntry(shape, runs, 0, entries, (cluster, value) => {
    const offset = cluster + (cluster >> 1);
    const pair = bytes.readUInt16LE(offset);
    // Even clusters take the low 12 bits of the pair, odd ones the high 12.
    bytes.writeUInt16LE(cluster & 1 ? (pair & 0x000f) | (value << 4) : (pair & 0xf000) | value, offset);
  });
  return bytes;
}

/** Calls `put` for every non-zero entry in [first, end). */
function forEachEntry(shape: FatTableShape, runs: readonly ClusterRun[], first: number, end: number, put: (cluster: number, value: number) => void): void {
  const endOfChain = END_OF_CHAIN[shape.type];
  if (first <= 0 && end > 0) put(0, MEDIA_ENTRY_HIGH_BITS[shape.type] | shape.media);
  if (first <= 1 && end > 1) put(1, endOfChain);
  for (const run of runs) {
    const last = run.firstCluster + run.clusterCount - 1;
    if (run.clusterCount <= 0 || last < first || run.firstCluster >= end) continue;
    const stop = Math.min(last, end - 1);
    for (let cluster = Math.max(run.firstCluster, first); cluster <= stop; cluster += 1) {
      put(cluster, cluster === last ? endOfChain : cluster + 1);
    }
  }
}
