// A read-only ext2/3/4 filesystem over any byte source (a stick's partition, a home.img, an
// OverlayFS image): superblock, group descriptors (32- and 64-bit, meta_bg), inodes, extent trees
// of any depth and ext2/3 block maps, linear directory blocks, inline data. Metadata only, unless
// a caller reads a file's bytes through openFile. Nothing is ever written.
import type { ByteSource } from '../../../io/byteSource';
import { SliceByteSource } from '../../../io/sliceByteSource';
import { FilesystemError } from '../../filesystemError';
import { readBlockRuns, type BlockRun } from './blockMap';
import { parseDirectoryBlocks, type Ext4DirEntry } from './directory';
import { Ext4FileByteSource } from './fileByteSource';
import { ReplayedByteSource, scanJournal } from './journalReplay';
import { inlineDataTail, InodeFlag, isDirectory, parseInode, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type Ext4Inode } from './inode';
import { Compat, EXT4_SUPERBLOCK_OFFSET, EXT4_SUPERBLOCK_SIZE, Incompat, parseExt4Superblock, RoCompat, type Ext4Superblock } from './superblock';

export const ROOT_INODE = 2;
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;
const MAX_PATH_DEPTH = 64;

export interface Ext4Entry extends Ext4DirEntry {
  readonly kind: 'file' | 'directory' | 'symlink' | 'other';
}

export interface GroupDescriptor {
  readonly inodeTable: number;
  /** Free blocks (clusters with bigalloc) in the group. */
  readonly freeBlocks: number;
  readonly freeInodes: number;
}

export interface Ext4OpenOptions {
  /**
   * Replay a pending journal in memory (default true), so the volume reads as the kernel will
   * see it after its next mount, not as the stale in-place metadata.
   */
  readonly replayJournal?: boolean;
}

export class Ext4Volume {
  private groups: GroupDescriptor[] | null = null;
  /** Journal transactions replayed in memory when the volume was opened. */
  replayedTransactions = 0;
  /** Why a pending journal could not be replayed (the volume then reads as it is in place). */
  journalProblem: string | null = null;

  private constructor(
    /** The filesystem's bytes: the partition or image, starting at the filesystem's block 0. */
    readonly source: ByteSource,
    readonly superblock: Ext4Superblock,
  ) {}

  /** Opens the filesystem that starts `offset` bytes into `source`. */
  static async open(source: ByteSource, offset = 0, length = source.size - offset, options: Ext4OpenOptions = {}): Promise<Ext4Volume> {
    const volume = offset === 0 && length === source.size ? source : new SliceByteSource(source, offset, length);
    if (volume.size < EXT4_SUPERBLOCK_OFFSET + EXT4_SUPERBLOCK_SIZE) throw new FilesystemError('ext4', `the volume is only ${volume.size} bytes`);
    const superblock = parseExt4Superblock(await volume.read(EXT4_SUPERBLOCK_OFFSET, EXT4_SUPERBLOCK_SIZE));
    const fs = new Ext4Volume(volume, superblock);
    if (superblock.blocksCount * superblock.blockSize > volume.size) {
      throw new FilesystemError('ext4', `the filesystem has ${superblock.blocksCount} blocks of ${superblock.blockSize} bytes but the volume holds only ${volume.size} bytes`);
    }
    await fs.groupDescriptors();
    if ((options.replayJournal ?? true) && fs.needsRecovery && fs.hasJournal) return fs.withJournalReplayed();
    return fs;
  }

  /** The same filesystem read through its journal's committed blocks (fs/jbd2/recovery.c). */
  private async withJournalReplayed(): Promise<Ext4Volume> {
    let runs: BlockRun[];
    try {
      runs = await this.blockRuns(await this.readInode(this.superblock.journalInode));
    } catch (error) {
      this.journalProblem = error instanceof Error ? error.message : String(error);
      return this;
    }
    const physical = (logical: number): number | null => {
      let low = 0;
      let high = runs.length - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const run = runs[mid];
        if (!run) break;
        if (logical < run.logical) high = mid - 1;
        else if (logical >= run.logical + run.length) low = mid + 1;
        else return run.physical + (logical - run.logical);
      }
      return null;
    };
    let replay;
    try {
      replay = await scanJournal(this.source, this.blockSize, physical);
    } catch (error) {
      this.journalProblem = error instanceof Error ? error.message : String(error);
      return this;
    }
    if (replay.blocks.size === 0) return this;
    const replayed = new ReplayedByteSource(this.source, this.blockSize, replay);
    const fs = await Ext4Volume.open(replayed, 0, replayed.size, { replayJournal: false });
    fs.replayedTransactions = replay.transactions;
    return fs;
  }

  get blockSize(): number {
    return this.superblock.blockSize;
  }

  get blocksCount(): number {
    return this.superblock.blocksCount;
  }

  /** The superblock says the journal needs recovery (needs_recovery, RECOVER): not cleanly unmounted. */
  get needsRecovery(): boolean {
    return (this.superblock.incompat & Incompat.RECOVER) !== 0;
  }

  /** A sentence about the journal for a report, or null when the filesystem was cleanly unmounted. */
  get journalRemark(): string | null {
    if (this.journalProblem) return `it was not cleanly unmounted and its journal could not be replayed (${this.journalProblem}); it was read as it is in place`;
    if (this.replayedTransactions > 0) return `it was not cleanly unmounted; ${this.replayedTransactions} committed journal transaction(s) were replayed in memory before reading it, as the kernel does at its next mount`;
    return null;
  }

  get hasJournal(): boolean {
    return (this.superblock.compat & Compat.HAS_JOURNAL) !== 0 && this.superblock.journalInode !== 0;
  }

  /** All group descriptors (read once). */
  async groupDescriptors(): Promise<readonly GroupDescriptor[]> {
    if (this.groups) return this.groups;
    const sb = this.superblock;
    const perBlock = Math.floor(sb.blockSize / sb.descSize);
    const gdtBlocks = Math.ceil(sb.groupCount / perBlock);
    const groups: GroupDescriptor[] = [];
    const metaBg = (sb.incompat & Incompat.META_BG) !== 0;
    const wide = (sb.incompat & Incompat.BIT64) !== 0 && sb.descSize >= 64;
    // Consecutive GDT blocks (the usual case) are read in one go.
    const contiguous = metaBg ? Math.min(gdtBlocks, sb.firstMetaBg) : gdtBlocks;
    const blocks: Buffer[] = [];
    if (contiguous > 0) {
      const all = await this.source.read((sb.firstDataBlock + 1) * sb.blockSize, contiguous * sb.blockSize);
      for (let i = 0; i < contiguous; i += 1) blocks.push(all.subarray(i * sb.blockSize, (i + 1) * sb.blockSize));
    }
    for (let i = contiguous; i < gdtBlocks; i += 1) blocks.push(await this.source.read(this.metaBgDescriptorBlock(i) * sb.blockSize, sb.blockSize));
    for (let group = 0; group < sb.groupCount; group += 1) {
      const block = blocks[Math.floor(group / perBlock)];
      if (!block) throw new FilesystemError('ext4', `group descriptor ${group} is missing`);
      const at = (group % perBlock) * sb.descSize;
      const d = block.subarray(at, at + sb.descSize);
      // struct ext4_group_desc: bg_inode_table_lo 0x08, bg_free_blocks_count_lo 0x0C,
      // bg_free_inodes_count_lo 0x0E; the _hi halves at 0x28, 0x2C, 0x2E in 64-byte descriptors.
      groups.push({
        inodeTable: d.readUInt32LE(0x08) + (wide ? d.readUInt32LE(0x28) * 2 ** 32 : 0),
        freeBlocks: d.readUInt16LE(0x0c) + (wide ? d.readUInt16LE(0x2c) * 65536 : 0),
        freeInodes: d.readUInt16LE(0x0e) + (wide ? d.readUInt16LE(0x2e) * 65536 : 0),
      });
    }
    this.groups = groups;
    return groups;
  }

  /** fs/ext4/super.c descriptor_loc for meta_bg: the GDT block lives in its meta group's first group. */
  private metaBgDescriptorBlock(index: number): number {
    const sb = this.superblock;
    const group = Math.floor(sb.blockSize / sb.descSize) * index;
    let hasSuper = this.groupHasSuper(group) ? 1 : 0;
    if (sb.blockSize === 1024 && index === 0 && sb.firstDataBlock === 0) hasSuper += 1;
    return sb.firstDataBlock + group * sb.blocksPerGroup + hasSuper;
  }

  /** ext4_bg_has_super: group 0, and with sparse_super only groups 1 and powers of 3, 5 and 7. */
  groupHasSuper(group: number): boolean {
    if (group === 0) return true;
    const sb = this.superblock;
    if (sb.compat & Compat.SPARSE_SUPER2) return false; // backups only where s_backup_bgs says; not needed here
    if (!(sb.roCompat & RoCompat.SPARSE_SUPER)) return true;
    if (group === 1) return true;
    for (const base of [3, 5, 7]) {
      let power = base;
      while (power < group) power *= base;
      if (power === group) return true;
    }
    return false;
  }

  /** Free bytes as the kernel counts them at mount: the group descriptors' free clusters. */
  async freeBytes(): Promise<number> {
    const groups = await this.groupDescriptors();
    const clusters = groups.reduce((sum, g) => sum + g.freeBlocks, 0);
    return clusters * this.superblock.clusterRatio * this.superblock.blockSize;
  }

  get sizeBytes(): number {
    return this.superblock.blocksCount * this.superblock.blockSize;
  }

  /**
   * Blocks the filesystem keeps for itself (superblock copies, descriptors, bitmaps, inode
   * tables, the journal): s_overhead_clusters when mke2fs recorded it, else counted the way
   * fs/ext4/super.c ext4_calculate_overhead does.
   */
  async overheadBlocks(): Promise<number> {
    const sb = this.superblock;
    if (sb.overheadClusters > 0) return sb.overheadClusters * sb.clusterRatio;
    const perBlock = Math.floor(sb.blockSize / sb.descSize);
    const gdtBlocks = Math.ceil(sb.groupCount / perBlock);
    const metaBg = (sb.incompat & Incompat.META_BG) !== 0;
    let overhead = sb.firstDataBlock;
    for (let group = 0; group < sb.groupCount; group += 1) {
      if (this.groupHasSuper(group)) overhead += 1 + (metaBg ? 0 : gdtBlocks + sb.reservedGdtBlocks);
      if (metaBg) {
        // One descriptor block per meta group, in its first, second and last group.
        const index = group % perBlock;
        if (index === 0 || index === 1 || index === perBlock - 1) overhead += 1;
      }
      overhead += 2 + sb.inodeTableBlocks;
    }
    if (this.hasJournal) {
      const journal = await this.readInode(sb.journalInode);
      overhead += Math.ceil(journal.allocatedBytes / sb.blockSize);
    }
    return Math.min(overhead, sb.blocksCount);
  }

  /** What df shows as the size: all blocks less the filesystem's own overhead. */
  async capacityBytes(): Promise<number> {
    return (this.superblock.blocksCount - (await this.overheadBlocks())) * this.superblock.blockSize;
  }

  async readInode(number: number): Promise<Ext4Inode> {
    const sb = this.superblock;
    if (number < 1 || number > sb.inodesCount) throw new FilesystemError('ext4', `inode ${number} is out of range`);
    const groups = await this.groupDescriptors();
    const group = Math.floor((number - 1) / sb.inodesPerGroup);
    const index = (number - 1) % sb.inodesPerGroup;
    const descriptor = groups[group];
    if (!descriptor) throw new FilesystemError('ext4', `inode ${number} is in a group that does not exist`);
    const offset = descriptor.inodeTable * sb.blockSize + index * sb.inodeSize;
    const raw = await this.source.read(offset, sb.inodeSize);
    return parseInode(number, raw, sb.blockSize, (sb.roCompat & RoCompat.HUGE_FILE) !== 0);
  }

  async blockRuns(inode: Ext4Inode): Promise<BlockRun[]> {
    return readBlockRuns(this, inode);
  }

  /** The file's bytes as a byte source (holes and unwritten extents read as zeros). */
  async openFile(inode: Ext4Inode): Promise<Ext4FileByteSource | InlineFileSource> {
    if (inode.flags & InodeFlag.ENCRYPT) throw new FilesystemError('ext4', `inode ${inode.number} is encrypted`, true);
    if (inode.flags & InodeFlag.INLINE_DATA) return new InlineFileSource(this.inlineData(inode));
    return new Ext4FileByteSource(this.source, this.superblock.blockSize, await this.blockRuns(inode), inode.size);
  }

  async readFile(inode: Ext4Inode, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    if (inode.size > maxBytes) throw new FilesystemError('ext4', `inode ${inode.number} is ${inode.size} bytes, over ${maxBytes}`);
    const file = await this.openFile(inode);
    return file.read(0, file.size);
  }

  /** Entries of a directory inode, without "." and "..". */
  async list(directory: Ext4Inode): Promise<Ext4Entry[]> {
    if (!isDirectory(directory)) throw new FilesystemError('ext4', `inode ${directory.number} is not a directory`);
    const withType = (this.superblock.incompat & Incompat.FILETYPE) !== 0;
    let raw: Ext4DirEntry[];
    if (directory.flags & InodeFlag.INLINE_DATA) {
      // Inline directories: the parent's inode number, then entries, in i_block; more in system.data.
      const head = directory.block.subarray(4);
      const tail = inlineDataTail(directory);
      raw = [...parseDirectoryBlocks(head, head.length, withType), ...(tail && tail.length > 0 ? parseDirectoryBlocks(tail, tail.length, withType) : [])];
    } else {
      if (directory.size > MAX_DIRECTORY_BYTES) throw new FilesystemError('ext4', `directory inode ${directory.number} is ${directory.size} bytes`);
      const bytes = await (await this.openFile(directory)).read(0, directory.size);
      raw = parseDirectoryBlocks(bytes, this.superblock.blockSize, withType);
    }
    const entries: Ext4Entry[] = [];
    for (const entry of raw) {
      const type = entry.fileType !== 0 ? entry.fileType : modeToFileType((await this.readInode(entry.inode)).mode);
      entries.push({ ...entry, fileType: type, kind: type === 1 ? 'file' : type === 2 ? 'directory' : type === 7 ? 'symlink' : 'other' });
    }
    return entries;
  }

  /** The inode at an absolute path (no symlinks followed), or null. */
  async lookup(path: string): Promise<Ext4Inode | null> {
    const parts = path.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.length > MAX_PATH_DEPTH) return null;
    let current = await this.readInode(ROOT_INODE);
    for (const part of parts) {
      if (!isDirectory(current)) return null;
      const next = (await this.list(current)).find((entry) => entry.name === part);
      if (!next) return null;
      current = await this.readInode(next.inode);
    }
    return current;
  }

  private inlineData(inode: Ext4Inode): Buffer {
    const tail = inlineDataTail(inode) ?? Buffer.alloc(0);
    return Buffer.concat([inode.block, tail]).subarray(0, inode.size);
  }
}

/** A small file stored in the inode itself (inline_data). */
export class InlineFileSource implements ByteSource {
  readonly size: number;
  constructor(private readonly bytes: Buffer) {
    this.size = bytes.length;
  }
  read(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || length < 0 || offset + length > this.size) return Promise.reject(new FilesystemError('ext4', `read past an inline file`));
    return Promise.resolve(Buffer.from(this.bytes.subarray(offset, offset + length)));
  }
}

function modeToFileType(mode: number): number {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return 1;
    case S_IFDIR:
      return 2;
    case S_IFLNK:
      return 7;
    default:
      return 0;
  }
}
