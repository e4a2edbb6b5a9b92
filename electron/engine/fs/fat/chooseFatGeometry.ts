// The FAT type, cluster size and region sizes for a volume, chosen exactly as mkfs.fat 4.2 does
// for a device without a reported CHS geometry (dosfstools src/mkfs.fat.c, establish_params() and
// setup_tables()), so a volume we write looks like one `mkfs.fat` would have made: 512-byte
// sectors, 2 FATs, media 0xF8, 32 reserved sectors on FAT32 (1 on FAT12/16, before alignment),
// 512 root entries on FAT12/16, and every region aligned to the cluster size.
import type { FatType } from './bootSector';
import { FatLayoutError } from './fatLayoutError';

export const SECTOR_BYTES = 512;
export const FAT_COUNT = 2;
export const MEDIA_FIXED_DISK = 0xf8;

const MIB = 1024 * 1024;
/** mkfs.fat picks FAT32 on its own from 512 MiB up; fatgen103's cluster tables agree (FAT16 ≤ 512 MB). */
export const FAT32_AUTO_THRESHOLD_BYTES = 512 * MIB;

// Cluster-count limits of mkfs.fat 4.2. fatgen103 §3.5 puts the FAT12/16 edge at 4085 and the
// FAT16/32 edge at 65525 clusters; mkfs.fat keeps clear of 4085–4086, which Windows' fastfat
// still reads as FAT12.
const MAX_CLUSTERS_12 = 4084;
const MIN_CLUSTERS_16 = 4087;
const MAX_CLUSTERS_16 = 65524;
const MIN_CLUSTERS_32 = 65525;
/** fatgen103 §4: the high 4 bits of a FAT32 entry are reserved, so cluster numbers are 28 bits. */
const MAX_CLUSTERS_32 = 268435446;
const MAX_SECTORS_PER_CLUSTER = 128;
const DEFAULT_ROOT_ENTRIES = 512;
/** BPB_TotSec32 is 32 bits (fatgen103 §3.1): mkfs.fat leaves anything past 2 TiB unused. */
const MAX_TOTAL_SECTORS = 0xffffffff;

export interface FatGeometryRequest {
  /** Bytes available for the volume (the partition size). */
  readonly volumeBytes: number;
  /** Force a FAT type; otherwise FAT32 from 512 MiB up and FAT12/16 below, as mkfs.fat. */
  readonly fatType?: FatType;
  /** FAT12/16 root directory slots needed; mkfs.fat's 512 unless more are needed (`mkfs.fat -r`). */
  readonly rootEntries?: number;
}

export interface ChosenFatGeometry {
  readonly type: FatType;
  /** Sectors the file system uses: the device's, rounded down to whole tracks as mkfs.fat 4.2 does. */
  readonly totalSectors: number;
  readonly sectorsPerCluster: number;
  readonly reservedSectors: number;
  readonly sectorsPerFat: number;
  /** FAT12/16 root directory slots; 0 on FAT32. */
  readonly rootEntryCount: number;
  readonly clusterCount: number;
  /** BPB_SecPerTrk and BPB_NumHeads: meaningless for LBA, but DOS and mtools check the total against them. */
  readonly sectorsPerTrack: number;
  readonly heads: number;
}

export function chooseFatGeometry(request: FatGeometryRequest): ChosenFatGeometry {
  const { volumeBytes, fatType } = request;
  if (!Number.isSafeInteger(volumeBytes) || volumeBytes < 0) {
    throw new FatLayoutError('volume-too-small', `the volume size ${volumeBytes} is not a byte count`, { volumeBytes });
  }
  const deviceSectors = Math.floor(volumeBytes / SECTOR_BYTES);
  const { sectorsPerTrack, heads } = chsGeometry(deviceSectors);
  const type: FatType | null = fatType ?? (volumeBytes >= FAT32_AUTO_THRESHOLD_BYTES ? 'FAT32' : null);
  const rootEntriesWanted = type === 'FAT32' ? 0 : Math.max(DEFAULT_ROOT_ENTRIES, roundUp(request.rootEntries ?? 0, 16));
  if (rootEntriesWanted > 0xfff0) {
    throw new FatLayoutError('too-many-entries', `the root directory needs ${rootEntriesWanted} slots`, { rootEntries: rootEntriesWanted });
  }
  // mkfs.fat 4.2 rounds the sector count down to whole tracks ("needed by DOS and mtools"), and
  // only then turns alignment off for floppy-sized volumes of 8192 sectors or fewer.
  const totalSectors = Math.floor(Math.min(deviceSectors, MAX_TOTAL_SECTORS) / sectorsPerTrack) * sectorsPerTrack;
  const aligned = totalSectors > 8192;
  const align = (sectors: number, clusterSectors: number): number => (aligned ? roundUp(sectors, clusterSectors) : sectors);
  const baseReserved = type === 'FAT32' ? 32 : 1;
  const baseRootSectors = Math.ceil((rootEntriesWanted * 32) / SECTOR_BYTES);

  let sectorsPerCluster = type === 'FAT32' ? fat32ClusterSectors(deviceSectors) : 4;
  let found: { type: FatType; sectorsPerFat: number; clusterCount: number } | null = null;
  let tooManyClusters = false;
  for (; sectorsPerCluster <= MAX_SECTORS_PER_CLUSTER; sectorsPerCluster *= 2) {
    const fatData32 = totalSectors - align(baseReserved, sectorsPerCluster);
    const fatData1216 = fatData32 - align(baseRootSectors, sectorsPerCluster);
    const candidates = {
      FAT12: fat12Candidate(fatData1216, sectorsPerCluster, align),
      FAT16: fat16Candidate(fatData1216, sectorsPerCluster, align),
      FAT32: fat32Candidate(fatData32, sectorsPerCluster, align),
    };
    if (type === null) {
      const { FAT12: fat12, FAT16: fat16 } = candidates;
      if (fat12.clusters > 0 || fat16.clusters > 0) {
        // mkfs.fat: "Use the optimal FAT size": the one giving more clusters.
        const best = fat16.clusters > fat12.clusters ? { type: 'FAT16' as const, ...fat16 } : { type: 'FAT12' as const, ...fat12 };
        found = { type: best.type, sectorsPerFat: best.sectorsPerFat, clusterCount: best.clusters };
        break;
      }
      tooManyClusters = fat16.tooMany;
    } else {
      const candidate = candidates[type];
      if (candidate.clusters > 0) {
        found = { type, sectorsPerFat: candidate.sectorsPerFat, clusterCount: candidate.clusters };
        break;
      }
      tooManyClusters = candidate.tooMany;
      // A FAT32 asked for below 65525 clusters: mkfs.fat warns and makes it, but fatgen103 §3.5
      // (and our own reader) would then call it FAT16. Bigger clusters only make it worse.
      if (type === 'FAT32' && candidate.tooFew) break;
    }
  }
  if (!found) {
    const reason = tooManyClusters ? 'volume-too-large' : 'volume-too-small';
    throw new FatLayoutError(reason, `a ${volumeBytes}-byte volume cannot hold ${type ?? 'a FAT12 or FAT16'} file system`, {
      volumeBytes,
      fatType: type,
    });
  }
  const reservedSectors = align(baseReserved, sectorsPerCluster);
  const rootEntryCount = found.type === 'FAT32' ? 0 : aligned ? align(baseRootSectors, sectorsPerCluster) * (SECTOR_BYTES / 32) : rootEntriesWanted;
  const firstDataSector = reservedSectors + FAT_COUNT * found.sectorsPerFat + Math.ceil((rootEntryCount * 32) / SECTOR_BYTES);
  // mkfs.fat's "Too few blocks for viable filesystem": the data region must hold 32 KiB at least.
  if (Math.floor(deviceSectors / 2) < Math.ceil(firstDataSector / 2) + 32) {
    throw new FatLayoutError('volume-too-small', `a ${volumeBytes}-byte volume leaves no room for data`, { volumeBytes, fatType: found.type });
  }
  return {
    type: found.type,
    totalSectors,
    sectorsPerCluster,
    reservedSectors,
    sectorsPerFat: found.sectorsPerFat,
    rootEntryCount,
    clusterCount: found.clusterCount,
    sectorsPerTrack,
    heads,
  };
}

interface Candidate {
  /** Clusters this FAT type would give; 0 when it does not fit. */
  readonly clusters: number;
  readonly sectorsPerFat: number;
  readonly tooMany: boolean;
  readonly tooFew: boolean;
}

type Align = (sectors: number, clusterSectors: number) => number;

// The three estimates below are mkfs.fat's: guess the cluster count from the space for FATs and
// data, size the FAT for it, then recount what the space left after the FATs really holds.

function fat12Candidate(fatData: number, clusterSectors: number, align: Align): Candidate {
  const guess = Math.floor((2 * (fatData * SECTOR_BYTES + FAT_COUNT * 3)) / (2 * clusterSectors * SECTOR_BYTES + FAT_COUNT * 3));
  const sectorsPerFat = align(Math.ceil((((guess + 2) * 3 + 1) >> 1) / SECTOR_BYTES), clusterSectors);
  const clusters = Math.max(0, Math.floor((fatData - FAT_COUNT * sectorsPerFat) / clusterSectors));
  const maxClusters = Math.min(Math.floor((sectorsPerFat * 2 * SECTOR_BYTES) / 3), MAX_CLUSTERS_12);
  const tooMany = clusters > maxClusters;
  return { clusters: tooMany ? 0 : clusters, sectorsPerFat, tooMany, tooFew: false };
}

function fat16Candidate(fatData: number, clusterSectors: number, align: Align): Candidate {
  const guess = Math.floor((fatData * SECTOR_BYTES + FAT_COUNT * 4) / (clusterSectors * SECTOR_BYTES + FAT_COUNT * 2));
  const sectorsPerFat = align(Math.ceil(((guess + 2) * 2) / SECTOR_BYTES), clusterSectors);
  const clusters = Math.max(0, Math.floor((fatData - FAT_COUNT * sectorsPerFat) / clusterSectors));
  const maxClusters = Math.min((sectorsPerFat * SECTOR_BYTES) / 2, MAX_CLUSTERS_16);
  const tooMany = clusters > maxClusters;
  // Fewer than 4087 clusters would be read as FAT12.
  const tooFew = !tooMany && clusters > 0 && clusters < MIN_CLUSTERS_16;
  return { clusters: tooMany || tooFew ? 0 : clusters, sectorsPerFat, tooMany, tooFew };
}

function fat32Candidate(fatData: number, clusterSectors: number, align: Align): Candidate {
  const guess = Math.floor((fatData * SECTOR_BYTES + FAT_COUNT * 8) / (clusterSectors * SECTOR_BYTES + FAT_COUNT * 4));
  const sectorsPerFat = align(Math.ceil(((guess + 2) * 4) / SECTOR_BYTES), clusterSectors);
  const clusters = Math.max(0, Math.floor((fatData - FAT_COUNT * sectorsPerFat) / clusterSectors));
  const maxClusters = Math.min((sectorsPerFat * SECTOR_BYTES) / 4, MAX_CLUSTERS_32);
  const tooMany = clusters > maxClusters;
  const tooFew = !tooMany && clusters < MIN_CLUSTERS_32;
  return { clusters: tooMany || tooFew ? 0 : clusters, sectorsPerFat, tooMany, tooFew };
}

/**
 * FAT32 cluster size by volume size, fatgen103's DskTableFAT32 as mkfs.fat applies it:
 * ≤ 260 MiB 512 B, ≤ 8 GiB 4 KiB, ≤ 16 GiB 8 KiB, ≤ 32 GiB 16 KiB, above 32 KiB.
 */
function fat32ClusterSectors(deviceSectors: number): number {
  if (deviceSectors > 32 * 1024 * 1024 * 2) return 64;
  if (deviceSectors > 16 * 1024 * 1024 * 2) return 32;
  if (deviceSectors > 8 * 1024 * 1024 * 2) return 16;
  if (deviceSectors > 260 * 1024 * 2) return 8;
  return 1;
}

/**
 * mkfs.fat 4.2 without a device geometry: the SD Card Association's CHS recommendation below
 * 256 MiB, LBA-assist translation above.
 */
function chsGeometry(sectors: number): { sectorsPerTrack: number; heads: number } {
  if (sectors <= 524288) {
    const heads = sectors <= 32768 ? 2 : sectors <= 65536 ? 4 : sectors <= 262144 ? 8 : 16;
    return { heads, sectorsPerTrack: sectors <= 4096 ? 16 : 32 };
  }
  const heads = sectors <= 16 * 63 * 1024 ? 16 : sectors <= 32 * 63 * 1024 ? 32 : sectors <= 64 * 63 * 1024 ? 64 : sectors <= 128 * 63 * 1024 ? 128 : 255;
  return { heads, sectorsPerTrack: 63 };
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}
