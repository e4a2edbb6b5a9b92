// Where a file's blocks are: the extent tree (any depth) or the ext2/3 indirect block map,
// flattened into runs of logical → physical blocks (fs/ext4/ext4_extents.h, fs/ext4/indirect.c).
import type { ByteSource } from '../../../io/byteSource';
import { FilesystemError } from '../../filesystemError';
import { InodeFlag, type Ext4Inode } from './inode';

export interface BlockRun {
  /** First logical block of the file covered by this run. */
  readonly logical: number;
  /** First physical block; runs never hold holes. */
  readonly physical: number;
  readonly length: number;
  /** An unwritten (preallocated) extent: reads return zeros whatever the blocks hold. */
  readonly unwritten: boolean;
}

export const EXTENT_MAGIC = 0xf30a;
/** ext4_ext_get_actual_len: lengths above 32768 mark unwritten extents. */
const EXT_INIT_MAX_LEN = 32768;
/** ext4_extents.h EXT4_MAX_EXTENT_DEPTH. */
const MAX_DEPTH = 5;

const fail = (message: string): FilesystemError => new FilesystemError('ext4', message);

interface Volume {
  readonly source: ByteSource;
  readonly blockSize: number;
  readonly blocksCount: number;
}

/** The file's runs in logical order. */
export async function readBlockRuns(volume: Volume, inode: Ext4Inode): Promise<BlockRun[]> {
  if (inode.flags & InodeFlag.INLINE_DATA) return [];
  const runs: BlockRun[] = [];
  if (inode.flags & InodeFlag.EXTENTS) await walkExtentNode(volume, inode.block, runs, MAX_DEPTH + 1, inode.number);
  else await walkBlockMap(volume, inode, runs);
  runs.sort((a, b) => a.logical - b.logical);
  for (const run of runs) {
    if (run.physical + run.length > volume.blocksCount) {
      throw fail(`inode ${inode.number}: blocks ${run.physical}+${run.length} lie past the end of the filesystem`);
    }
  }
  return runs;
}

async function walkExtentNode(volume: Volume, node: Buffer, runs: BlockRun[], depthLeft: number, ino: number): Promise<void> {
  // struct ext4_extent_header: magic, entries, max, depth, generation.
  if (node.length < 12 || node.readUInt16LE(0) !== EXTENT_MAGIC) throw fail(`inode ${ino}: bad extent header`);
  const entries = node.readUInt16LE(2);
  const depth = node.readUInt16LE(6);
  if (depth >= depthLeft || 12 + entries * 12 > node.length) throw fail(`inode ${ino}: extent tree is malformed (depth ${depth}, ${entries} entries)`);
  for (let i = 0; i < entries; i += 1) {
    const at = 12 + i * 12;
    if (depth === 0) {
      // struct ext4_extent: ee_block, ee_len, ee_start_hi, ee_start_lo.
      const rawLength = node.readUInt16LE(at + 4);
      const unwritten = rawLength > EXT_INIT_MAX_LEN;
      const length = unwritten ? rawLength - EXT_INIT_MAX_LEN : rawLength;
      const physical = node.readUInt16LE(at + 6) * 2 ** 32 + node.readUInt32LE(at + 8);
      if (length > 0) runs.push({ logical: node.readUInt32LE(at), physical, length, unwritten });
    } else {
      // struct ext4_extent_idx: ei_block, ei_leaf_lo, ei_leaf_hi, unused.
      const child = node.readUInt16LE(at + 8) * 2 ** 32 + node.readUInt32LE(at + 4);
      if (child >= volume.blocksCount) throw fail(`inode ${ino}: extent index points past the filesystem`);
      const block = await volume.source.read(child * volume.blockSize, volume.blockSize);
      await walkExtentNode(volume, block, runs, depth, ino);
    }
  }
}

/** ext2/3 block map: 12 direct pointers, then single, double and triple indirect blocks. */
async function walkBlockMap(volume: Volume, inode: Ext4Inode, runs: BlockRun[]): Promise<void> {
  const perBlock = volume.blockSize / 4;
  const fileBlocks = Math.ceil(inode.size / volume.blockSize);
  const push = (logical: number, physical: number) => {
    if (physical === 0) return;
    const last = runs[runs.length - 1];
    if (last && last.logical + last.length === logical && last.physical + last.length === physical) {
      runs[runs.length - 1] = { ...last, length: last.length + 1 };
    } else {
      runs.push({ logical, physical, length: 1, unwritten: false });
    }
  };
  for (let i = 0; i < 12 && i < fileBlocks; i += 1) push(i, inode.block.readUInt32LE(i * 4));
  const indirect = async (block: number, level: number, firstLogical: number): Promise<void> => {
    if (block === 0 || firstLogical >= fileBlocks) return;
    if (block >= volume.blocksCount) throw fail(`inode ${inode.number}: indirect block ${block} lies past the filesystem`);
    const pointers = await volume.source.read(block * volume.blockSize, volume.blockSize);
    const span = perBlock ** (level - 1);
    for (let i = 0; i < perBlock; i += 1) {
      const logical = firstLogical + i * span;
      if (logical >= fileBlocks) break;
      const next = pointers.readUInt32LE(i * 4);
      if (level === 1) push(logical, next);
      else await indirect(next, level - 1, logical);
    }
  };
  await indirect(inode.block.readUInt32LE(48), 1, 12);
  await indirect(inode.block.readUInt32LE(52), 2, 12 + perBlock);
  await indirect(inode.block.readUInt32LE(56), 3, 12 + perBlock + perBlock ** 2);
}
