// Big files placed straight into an ext4 filesystem, each byte written once, in large
// sequential writes (no staging copy). mke2fs -d makes each big file as a hole of the right
// size; debugfs `fallocate` gives it blocks (unwritten extents); we read where those blocks lie
// (`ex`), mark the extents initialized — in the inode through debugfs `sif` when the tree fits in
// it (depth 0), else by editing the leaf blocks ourselves with their metadata_csum checksum —
// and then write the file's bytes into those blocks through the device. e2fsck checks the
// result like any other filesystem.
import { StickwrightError } from '../../../../shared/errors';
import type { ByteSink } from '../../disk/deviceFile';
import { runTool } from '../../system/runTool';
import { crc32cUpdate } from './crc32c';
import { parseExtentDump, type ExtentTree } from './extentDump';

export const BLOCK = 4096;
/** ext4_ext_get_actual_len: a length over 32768 marks an unwritten extent (EXT_INIT_MAX_LEN). */
const EXT_INIT_MAX_LEN = 32768;
const EXTENT_MAGIC = 0xf30a;

export interface Ext4Facts {
  readonly uuid: Buffer;
  /** The metadata checksum seed (crc32c of the UUID, or s_checksum_seed); null without metadata_csum. */
  readonly csumSeed: number | null;
}

export interface PlacedFile {
  readonly path: string;
  readonly size: number;
  readonly inode: number;
  readonly generation: number;
  readonly tree: ExtentTree;
}

/** Superblock facts the checksums need, from dumpe2fs -h. */
export async function readExt4Facts(device: string, signal?: AbortSignal): Promise<Ext4Facts> {
  const { stdout } = await runTool('dumpe2fs', ['-h', device], { what: 'reading the ext4 superblock', signal });
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(stdout)?.[1]?.trim();
  const uuid = Buffer.from((field('Filesystem UUID') ?? '').replace(/-/g, ''), 'hex');
  if (uuid.length !== 16) throw new StickwrightError('WRITE_FAILED', 'the new ext4 filesystem has no readable UUID');
  const features = field('Filesystem features') ?? '';
  if (!/\bmetadata_csum\b/.test(features)) return { uuid, csumSeed: null };
  const seed = field('Checksum seed');
  return { uuid, csumSeed: seed ? Number.parseInt(seed, 16) >>> 0 : crc32cUpdate(0xffffffff, uuid) };
}

/**
 * For each file (already allocated by fallocate): its inode, generation and extents; extents kept
 * in the inode are marked initialized here with debugfs. Leaf blocks are left to claimLeafBlocks.
 */
export async function mapExtents(device: string, files: ReadonlyArray<{ path: string; size: number }>, signal?: AbortSignal): Promise<PlacedFile[]> {
  const script = files.map((f) => `stat ${quote(f.path)}\nex ${quote(f.path)}`).join('\n');
  const { stdout } = await runTool('debugfs', ['-f', '-', device], { input: `${script}\n`, what: 'reading where the big files lie', signal });
  const sections = stdout.split(/^debugfs: /m).slice(1);
  const placed: PlacedFile[] = [];
  for (const [i, file] of files.entries()) {
    const stat = sections[2 * i] ?? '';
    const ex = sections[2 * i + 1] ?? '';
    const inode = Number(/Inode: (\d+)/.exec(stat)?.[1]);
    const generation = Number(/Generation: (\d+)/.exec(stat)?.[1]);
    const tree = parseExtentDump(ex);
    const blocks = tree.leaves.reduce((sum, e) => sum + e.length, 0);
    if (!Number.isSafeInteger(inode) || !Number.isSafeInteger(generation) || blocks < Math.ceil(file.size / BLOCK) || tree.depth > 1) {
      throw new StickwrightError('WRITE_FAILED', `could not map the blocks of ${file.path} (depth ${tree.depth}, ${blocks} blocks)`);
    }
    placed.push({ path: file.path, size: file.size, inode, generation, tree });
  }
  const flips: string[] = [];
  for (const file of placed) {
    if (file.tree.depth !== 0) continue;
    // i_block words of extent i (ext4_extent): 3+3i ee_block, 4+3i ee_len | ee_start_hi << 16, 5+3i ee_start_lo.
    file.tree.leaves.forEach((extent, i) => {
      if (!extent.uninit) return;
      const word = (extent.length | (Math.floor(extent.physicalStart / 2 ** 32) << 16)) >>> 0;
      flips.push(`sif ${quote(file.path)} block[${4 + 3 * i}] 0x${word.toString(16)}`);
    });
  }
  if (flips.length) await runTool('debugfs', ['-w', '-f', '-', device], { input: `${flips.join('\n')}\n`, what: 'marking the big files written', signal });
  return placed;
}

/** Marks the extents in leaf blocks initialized, rewriting each block's checksum (ext4_extent_block_csum). */
export async function claimLeafBlocks(sink: ByteSink, partitionOffset: number, facts: Ext4Facts, files: readonly PlacedFile[]): Promise<void> {
  for (const file of files) {
    if (file.tree.depth !== 1) continue;
    for (const index of file.tree.index) {
      const at = partitionOffset + index.physicalStart * BLOCK;
      const block = await sink.read(BLOCK, at);
      if (block.readUInt16LE(0) !== EXTENT_MAGIC || block.readUInt16LE(6) !== 0) {
        throw new StickwrightError('WRITE_FAILED', `${file.path}: block ${index.physicalStart} is not an extent leaf`);
      }
      const entries = block.readUInt16LE(2);
      const max = block.readUInt16LE(4);
      for (let i = 0; i < entries; i += 1) {
        const lenAt = 12 + 12 * i + 4;
        const len = block.readUInt16LE(lenAt);
        if (len > EXT_INIT_MAX_LEN) block.writeUInt16LE(len - EXT_INIT_MAX_LEN, lenAt);
      }
      if (facts.csumSeed !== null) {
        const tail = 12 + 12 * max;
        block.writeUInt32LE(extentBlockChecksum(facts.csumSeed, file.inode, file.generation, block.subarray(0, tail)), tail);
      }
      await sink.write(block, at);
    }
  }
}

/** ext4_inode_csum_seed, then the leaf up to its tail (fs/ext4/extents.c ext4_extent_block_csum). */
export function extentBlockChecksum(fsSeed: number, inode: number, generation: number, bytes: Uint8Array): number {
  const le = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return b;
  };
  const seed = crc32cUpdate(crc32cUpdate(fsSeed, le(inode)), le(generation));
  return crc32cUpdate(seed, bytes);
}

/** Writes `chunks` (the file's bytes, in order) into the file's blocks; the last block is zero-padded. */
export async function writeIntoExtents(
  sink: ByteSink,
  partitionOffset: number,
  file: PlacedFile,
  chunks: AsyncIterable<Buffer>,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const runs = file.tree.leaves.map((e) => ({ logical: e.logicalStart * BLOCK, physical: partitionOffset + e.physicalStart * BLOCK, length: e.length * BLOCK }));
  let logical = 0;
  let run = 0;
  for await (const chunk of chunks) {
    let used = 0;
    while (used < chunk.length) {
      const current = runs[run];
      if (!current) throw new StickwrightError('WRITE_FAILED', `${file.path}: more data than its blocks hold`);
      const inRun = logical - current.logical;
      if (inRun >= current.length) {
        run += 1;
        continue;
      }
      const take = Math.min(chunk.length - used, current.length - inRun);
      let piece = chunk.subarray(used, used + take);
      if (logical + take === file.size && take % BLOCK !== 0) {
        const padded = Buffer.alloc(Math.ceil(take / BLOCK) * BLOCK);
        piece.copy(padded);
        piece = padded;
      }
      await sink.write(piece, current.physical + inRun);
      used += take;
      logical += take;
      onBytes(take);
    }
  }
  if (logical !== file.size) throw new StickwrightError('SOURCE_TRUNCATED', `${file.path}: ${logical} of ${file.size} bytes came from the image`);
}

function quote(path: string): string {
  if (/["\n\\]/.test(path)) throw new Error(`unexpected character in ${path}`);
  return `"${path}"`;
}
