// The ext2/3/4 superblock, read-only: the fields a reader needs to find groups, inodes and free
// space (Linux fs/ext4/ext4.h `struct ext4_super_block`; e2fsprogs lib/ext2fs/ext2_fs.h).
import { FilesystemError } from '../../filesystemError';

export const EXT4_SUPERBLOCK_OFFSET = 1024;
export const EXT4_SUPERBLOCK_SIZE = 1024;
export const EXT4_MAGIC = 0xef53;

/** s_feature_incompat bits (ext4.h EXT4_FEATURE_INCOMPAT_*). */
export const Incompat = {
  FILETYPE: 0x2,
  RECOVER: 0x4,
  JOURNAL_DEV: 0x8,
  META_BG: 0x10,
  EXTENTS: 0x40,
  BIT64: 0x80,
  MMP: 0x100,
  FLEX_BG: 0x200,
  EA_INODE: 0x400,
  DIRDATA: 0x1000,
  CSUM_SEED: 0x2000,
  LARGEDIR: 0x4000,
  INLINE_DATA: 0x8000,
  ENCRYPT: 0x10000,
  CASEFOLD: 0x20000,
} as const;

/** s_feature_ro_compat bits. */
export const RoCompat = {
  SPARSE_SUPER: 0x1,
  HUGE_FILE: 0x8,
  BIGALLOC: 0x200,
  METADATA_CSUM: 0x400,
} as const;

/** s_feature_compat bits. */
export const Compat = {
  HAS_JOURNAL: 0x4,
  SPARSE_SUPER2: 0x200,
} as const;

/** Incompatible features this reader understands; anything else means we may misread the fs. */
const KNOWN_INCOMPAT =
  Incompat.FILETYPE | Incompat.RECOVER | Incompat.META_BG | Incompat.EXTENTS | Incompat.BIT64 | Incompat.MMP | Incompat.FLEX_BG |
  Incompat.EA_INODE | Incompat.CSUM_SEED | Incompat.LARGEDIR | Incompat.INLINE_DATA | Incompat.ENCRYPT | Incompat.CASEFOLD;

export interface Ext4Superblock {
  readonly inodesCount: number;
  readonly blocksCount: number;
  readonly freeBlocksCount: number;
  readonly freeInodesCount: number;
  readonly firstDataBlock: number;
  readonly blockSize: number;
  /** Blocks per cluster (bigalloc); 1 otherwise. */
  readonly clusterRatio: number;
  readonly blocksPerGroup: number;
  readonly clustersPerGroup: number;
  readonly inodesPerGroup: number;
  readonly inodeSize: number;
  readonly firstMetaBg: number;
  readonly descSize: number;
  readonly groupCount: number;
  readonly compat: number;
  readonly incompat: number;
  readonly roCompat: number;
  readonly uuid: string;
  readonly label: string;
  readonly journalInode: number;
  /** s_overhead_clusters when mke2fs recorded it (e2fsprogs ≥ 1.46), else 0. */
  readonly overheadClusters: number;
  /** s_reserved_gdt_blocks: GDT growth room after each superblock copy (resize_inode). */
  readonly reservedGdtBlocks: number;
  /** Blocks of one group's inode table. */
  readonly inodeTableBlocks: number;
  /** s_state bit 0: cleanly unmounted. */
  readonly clean: boolean;
}

const fail = (message: string, unsupported = false): FilesystemError => new FilesystemError('ext4', message, unsupported);

/** Does the 1024-byte block at `EXT4_SUPERBLOCK_OFFSET` carry the ext2/3/4 magic? */
export function hasExt4Magic(superblock: Buffer): boolean {
  return superblock.length >= 0x3a && superblock.readUInt16LE(0x38) === EXT4_MAGIC;
}

export function parseExt4Superblock(sb: Buffer): Ext4Superblock {
  if (sb.length < EXT4_SUPERBLOCK_SIZE) throw fail('the superblock is shorter than 1024 bytes');
  if (!hasExt4Magic(sb)) throw fail('no ext2/3/4 magic in the superblock');
  const incompat = sb.readUInt32LE(0x60);
  const roCompat = sb.readUInt32LE(0x64);
  const compat = sb.readUInt32LE(0x5c);
  const is64 = (incompat & Incompat.BIT64) !== 0;
  const hi = (offset: number) => (is64 ? sb.readUInt32LE(offset) * 2 ** 32 : 0);
  const logBlock = sb.readUInt32LE(0x18);
  if (logBlock > 6) throw fail(`block size 1024 << ${logBlock}`);
  const blockSize = 1024 << logBlock;
  const logCluster = sb.readUInt32LE(0x1c);
  const bigalloc = (roCompat & RoCompat.BIGALLOC) !== 0;
  const clusterRatio = bigalloc ? 2 ** (logCluster - logBlock) : 1;
  if (!Number.isInteger(clusterRatio) || clusterRatio < 1 || clusterRatio > 2 ** 16) throw fail(`cluster size 1024 << ${logCluster}`);
  const blocksCount = hi(0x150) + sb.readUInt32LE(0x04);
  const firstDataBlock = sb.readUInt32LE(0x14);
  const blocksPerGroup = sb.readUInt32LE(0x20);
  const inodesPerGroup = sb.readUInt32LE(0x28);
  const revLevel = sb.readUInt32LE(0x4c);
  const inodeSize = revLevel === 0 ? 128 : sb.readUInt16LE(0x58);
  const descSize = is64 ? sb.readUInt16LE(0xfe) : 32;
  if (blocksPerGroup === 0 || inodesPerGroup === 0) throw fail('zero blocks or inodes per group');
  if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) !== 0) throw fail(`inode size ${inodeSize}`);
  if (descSize < 32 || descSize > 1024 || (is64 && descSize < 64)) throw fail(`group descriptor size ${descSize}`);
  if (blocksCount <= firstDataBlock) throw fail(`${blocksCount} blocks`);
  const unknown = incompat & ~KNOWN_INCOMPAT;
  if (unknown !== 0) throw fail(`unknown incompatible features 0x${unknown.toString(16)}`, true);
  if (incompat & Incompat.JOURNAL_DEV) throw fail('this is an external journal device, not a filesystem', true);
  return {
    inodesCount: sb.readUInt32LE(0x00),
    blocksCount,
    freeBlocksCount: hi(0x158) + sb.readUInt32LE(0x0c),
    freeInodesCount: sb.readUInt32LE(0x10),
    firstDataBlock,
    blockSize,
    clusterRatio,
    blocksPerGroup,
    clustersPerGroup: bigalloc ? sb.readUInt32LE(0x24) : blocksPerGroup,
    inodesPerGroup,
    inodeSize,
    firstMetaBg: sb.readUInt32LE(0x104),
    descSize,
    groupCount: Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup),
    compat,
    incompat,
    roCompat,
    uuid: formatUuid(sb.subarray(0x68, 0x78)),
    label: sb.toString('latin1', 0x78, 0x88).replace(/\0.*$/su, ''),
    journalInode: (compat & Compat.HAS_JOURNAL) !== 0 ? sb.readUInt32LE(0xe0) : 0,
    overheadClusters: sb.readUInt32LE(0x248),
    reservedGdtBlocks: sb.readUInt16LE(0xce),
    inodeTableBlocks: Math.ceil((inodesPerGroup * inodeSize) / blockSize),
    clean: (sb.readUInt16LE(0x3a) & 1) !== 0,
  };
}

export function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
