// One small read-only view of whatever filesystem a stick's partition holds (vfat through
// FatVolume, ext4 through the ext4 reader, F2FS through the F2FS reader), so the usage reader
// walks /LiveOS the same way on each.
import type { ByteSource } from '../io/byteSource';
import { SliceByteSource } from '../io/sliceByteSource';
import { FatVolume, type FatEntry } from '../fs/fat/fatVolume';
import { Ext4Volume } from '../fs/ext4/reader/ext4Volume';
import { InodeFlag, isDirectory, isRegularFile, type Ext4Inode } from '../fs/ext4/reader/inode';
import { hasExt4Magic } from '../fs/ext4/reader/superblock';
import { F2fsVolume, F2FS_MAGIC, F2FS_SUPER_OFFSET } from './f2fs/f2fsVolume';
import { countFreeClusters, fatFileExtents, openFatFile } from './fatExtents';

export type StickFsKind = 'vfat' | 'ext4' | 'f2fs';

export interface StickFsEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'other';
  readonly size: number;
}

export interface StickFilesystem {
  readonly kind: StickFsKind;
  readonly label: string | null;
  /** As blkid prints it: "ABCD-1234" for FAT, the canonical UUID otherwise. */
  readonly uuid: string | null;
  /** What df shows as the size: without the filesystem's own metadata. */
  readonly capacityBytes: number;
  /** FAT names are case-insensitive; ext4 and F2FS names are not. */
  readonly caseInsensitive: boolean;
  /** Not cleanly unmounted: what that means for the figures (ext4 journal, F2FS roll-forward), as a sentence fragment; else null. */
  readonly journalRemark: string | null;
  freeBytes(): Promise<number>;
  /** Entries of the directory at `path`, or null if there is none. */
  list(path: string): Promise<StickFsEntry[] | null>;
  stat(path: string): Promise<StickFsEntry | null>;
  /** The bytes of the regular file at `path`. */
  openFile(path: string): Promise<ByteSource>;
  /**
   * Bytes allocated to everything below `path` and the number of entries, or null when there are
   * more than `maxEntries` (walking them would not be quick).
   */
  treeUsage(path: string, maxEntries: number): Promise<{ bytes: number; entries: number } | null>;
  /**
   * Where the first `length` bytes of the regular file at `path` lie (holes left out), for the
   * maintenance actions that rewrite a file's bytes in place (an overlay reset).
   */
  fileExtents(path: string, length: number): Promise<FileExtent[]>;
}

/** Where a run of a file's bytes lies, in bytes from the start of the partition. */
export interface FileExtent {
  /** Byte offset within the file. */
  readonly logical: number;
  /** Byte offset within the partition. */
  readonly physical: number;
  readonly length: number;
  /** Preallocated but never written (ext4 unwritten extents): reads as zeros whatever it holds. */
  readonly unwritten: boolean;
}

export type FsSignature = StickFsKind | 'luks' | 'other';

/** What the first 4 KiB of a partition say it holds. */
export async function probeSignature(source: ByteSource, offset: number, size: number): Promise<FsSignature> {
  if (size < 4096) return 'other';
  const head = await source.read(offset, 4096);
  if (head.toString('latin1', 0, 6) === 'LUKS\xba\xbe') return 'luks';
  if (hasExt4Magic(head.subarray(1024, 2048))) return 'ext4';
  if (head.readUInt32LE(F2FS_SUPER_OFFSET) === F2FS_MAGIC) return 'f2fs';
  // The informational "FAT32   " (FAT32 BPB) or "FAT16   "/"FAT12   " (FAT12/16 BPB) string.
  const fatName = `${head.toString('latin1', 0x52, 0x55)}|${head.toString('latin1', 0x36, 0x39)}`;
  if (head.readUInt16LE(510) === 0xaa55 && fatName.includes('FAT')) return 'vfat';
  return 'other';
}

export async function openStickFilesystem(kind: StickFsKind, source: ByteSource, offset: number, size: number): Promise<StickFilesystem> {
  switch (kind) {
    case 'vfat':
      return FatFilesystem.open(source, offset, size);
    case 'ext4':
      return Ext4Filesystem.open(source, offset, size);
    case 'f2fs':
      return F2fsFilesystem.open(source, offset, size);
  }
}

/** F2FS blocks are always 4 KiB (F2FS_BLKSIZE). */
const F2FS_BLOCK = 4096;

function split(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

class FatFilesystem implements StickFilesystem {
  readonly kind = 'vfat';
  readonly caseInsensitive = true;
  readonly journalRemark = null;

  private constructor(private readonly volume: FatVolume) {}

  static async open(source: ByteSource, offset: number, size: number): Promise<FatFilesystem> {
    return new FatFilesystem(await FatVolume.open(source, offset, size));
  }

  get label(): string | null {
    return this.volume.label;
  }

  get uuid(): string | null {
    const id = this.volume.geometry.volumeId;
    if (id === 0) return null;
    const hex = id.toString(16).toUpperCase().padStart(8, '0');
    return `${hex.slice(0, 4)}-${hex.slice(4)}`;
  }

  get capacityBytes(): number {
    return this.volume.geometry.clusterCount * this.volume.geometry.bytesPerCluster;
  }

  async freeBytes(): Promise<number> {
    return (await countFreeClusters(this.volume)) * this.volume.geometry.bytesPerCluster;
  }

  private toEntry(entry: FatEntry): StickFsEntry {
    return { name: entry.name, kind: entry.kind, size: entry.size };
  }

  async list(path: string): Promise<StickFsEntry[] | null> {
    const entry = await this.volume.lookup(path);
    if (!entry || entry.kind !== 'directory') return null;
    return (await this.volume.list(entry)).filter((e) => e.name !== '.' && e.name !== '..').map((e) => this.toEntry(e));
  }

  async stat(path: string): Promise<StickFsEntry | null> {
    const entry = await this.volume.lookup(path);
    return entry ? this.toEntry(entry) : null;
  }

  async openFile(path: string): Promise<ByteSource> {
    const entry = await this.volume.lookup(path);
    if (!entry || entry.kind !== 'file') throw new Error(`${path} is not a file`);
    return openFatFile(this.volume, entry);
  }

  async fileExtents(path: string, length: number): Promise<FileExtent[]> {
    const entry = await this.volume.lookup(path);
    if (!entry || entry.kind !== 'file') throw new Error(`${path} is not a file`);
    const out: FileExtent[] = [];
    let logical = 0;
    for (const extent of await fatFileExtents(this.volume, entry)) {
      if (logical >= length) break;
      out.push({ logical, physical: extent.start, length: Math.min(extent.length, length - logical), unwritten: false });
      logical += extent.length;
    }
    return out;
  }

  async treeUsage(path: string, maxEntries: number): Promise<{ bytes: number; entries: number } | null> {
    const start = await this.volume.lookup(path);
    if (!start || start.kind !== 'directory') return null;
    const cluster = this.volume.geometry.bytesPerCluster;
    let bytes = 0;
    let entries = 0;
    const stack: FatEntry[] = [start];
    while (stack.length > 0) {
      const dir = stack.pop();
      if (!dir) break;
      for (const entry of await this.volume.list(dir)) {
        if (entry.name === '.' || entry.name === '..') continue;
        if ((entries += 1) > maxEntries) return null;
        if (entry.kind === 'directory') stack.push(entry);
        else bytes += Math.ceil(entry.size / cluster) * cluster;
      }
    }
    return { bytes, entries };
  }
}

class Ext4Filesystem implements StickFilesystem {
  readonly kind = 'ext4';
  readonly caseInsensitive = false;

  private constructor(
    readonly volume: Ext4Volume,
    readonly capacityBytes: number,
  ) {}

  static async open(source: ByteSource, offset: number, size: number): Promise<Ext4Filesystem> {
    const volume = await Ext4Volume.open(source, offset, size);
    return new Ext4Filesystem(volume, await volume.capacityBytes());
  }

  get label(): string | null {
    return this.volume.superblock.label || null;
  }

  get uuid(): string | null {
    return this.volume.superblock.uuid;
  }

  get journalRemark(): string | null {
    return this.volume.journalRemark;
  }

  freeBytes(): Promise<number> {
    return this.volume.freeBytes();
  }

  private async entryOf(name: string, inode: Ext4Inode): Promise<StickFsEntry> {
    return { name, kind: isDirectory(inode) ? 'directory' : isRegularFile(inode) ? 'file' : 'other', size: inode.size };
  }

  async list(path: string): Promise<StickFsEntry[] | null> {
    const dir = await this.volume.lookup(path);
    if (!dir || !isDirectory(dir)) return null;
    const out: StickFsEntry[] = [];
    for (const entry of await this.volume.list(dir)) {
      out.push(await this.entryOf(entry.name, await this.volume.readInode(entry.inode)));
    }
    return out;
  }

  async stat(path: string): Promise<StickFsEntry | null> {
    const inode = await this.volume.lookup(path);
    return inode ? this.entryOf(split(path).at(-1) ?? '', inode) : null;
  }

  async openFile(path: string): Promise<ByteSource> {
    const inode = await this.volume.lookup(path);
    if (!inode || !isRegularFile(inode)) throw new Error(`${path} is not a file`);
    return this.volume.openFile(inode);
  }

  async fileExtents(path: string, length: number): Promise<FileExtent[]> {
    const inode = await this.volume.lookup(path);
    if (!inode || !isRegularFile(inode)) throw new Error(`${path} is not a file`);
    if (inode.flags & InodeFlag.INLINE_DATA) throw new Error(`${path} keeps its data inside its inode`);
    const block = this.volume.superblock.blockSize;
    const out: FileExtent[] = [];
    for (const run of await this.volume.blockRuns(inode)) {
      const logical = run.logical * block;
      if (logical >= length) break;
      out.push({ logical, physical: run.physical * block, length: Math.min(run.length * block, length - logical), unwritten: run.unwritten });
    }
    return out;
  }

  async treeUsage(path: string, maxEntries: number): Promise<{ bytes: number; entries: number } | null> {
    const start = await this.volume.lookup(path);
    if (!start || !isDirectory(start)) return null;
    let bytes = 0;
    let entries = 0;
    const stack: Ext4Inode[] = [start];
    while (stack.length > 0) {
      const dir = stack.pop();
      if (!dir) break;
      for (const entry of await this.volume.list(dir)) {
        if ((entries += 1) > maxEntries) return null;
        const inode = await this.volume.readInode(entry.inode);
        bytes += inode.allocatedBytes;
        if (isDirectory(inode)) stack.push(inode);
      }
    }
    return { bytes, entries };
  }
}

class F2fsFilesystem implements StickFilesystem {
  readonly kind = 'f2fs';
  readonly caseInsensitive = false;

  private constructor(
    private readonly volume: F2fsVolume,
    readonly journalRemark: string | null,
  ) {}

  static async open(source: ByteSource, offset: number, size: number): Promise<F2fsFilesystem> {
    const volume = await F2fsVolume.open(new SliceByteSource(source, offset, size));
    const pending = await volume.rollForwardPending().catch(() => false);
    return new F2fsFilesystem(volume, pending ? 'it holds data fsync\'ed after its last checkpoint, which the kernel rolls forward at its next mount and this reader does not: the figures are those of the last checkpoint' : null);
  }

  get label(): string | null {
    return this.volume.superblock.label || null;
  }

  get uuid(): string | null {
    return this.volume.superblock.uuid;
  }

  get capacityBytes(): number {
    return this.volume.capacityBytes;
  }

  freeBytes(): Promise<number> {
    return Promise.resolve(this.volume.freeBytes);
  }

  async list(path: string): Promise<StickFsEntry[] | null> {
    const dir = await this.volume.lookup(path);
    if (!dir || dir.kind !== 'directory') return null;
    const out: StickFsEntry[] = [];
    for (const entry of await this.volume.list(dir)) {
      const inode = await this.volume.readInode(entry.ino);
      out.push({ name: entry.name, kind: inode.kind, size: inode.size });
    }
    return out;
  }

  async stat(path: string): Promise<StickFsEntry | null> {
    const inode = await this.volume.lookup(path);
    return inode ? { name: split(path).at(-1) ?? '', kind: inode.kind, size: inode.size } : null;
  }

  async openFile(path: string): Promise<ByteSource> {
    const inode = await this.volume.lookup(path);
    if (!inode || inode.kind !== 'file') throw new Error(`${path} is not a file`);
    return this.volume.openFile(inode);
  }

  async fileExtents(path: string, length: number): Promise<FileExtent[]> {
    const inode = await this.volume.lookup(path);
    if (!inode || inode.kind !== 'file') throw new Error(`${path} is not a file`);
    const addresses = await this.volume.blockAddresses(inode);
    if (addresses.length === 0 && inode.size > 0) throw new Error(`${path} keeps its data inside its inode`);
    const out: FileExtent[] = [];
    for (let logical = 0; logical < addresses.length && logical * F2FS_BLOCK < length; logical += 1) {
      const address = addresses[logical] ?? 0;
      // 0 = a hole, 0xffffffff = reserved but not yet written: both read as zeros.
      if (address === 0 || address === 0xffffffff) continue;
      const last = out.at(-1);
      const physical = address * F2FS_BLOCK;
      const size = Math.min(F2FS_BLOCK, length - logical * F2FS_BLOCK);
      if (last && last.logical + last.length === logical * F2FS_BLOCK && last.physical + last.length === physical) {
        out[out.length - 1] = { ...last, length: last.length + size };
      } else {
        out.push({ logical: logical * F2FS_BLOCK, physical, length: size, unwritten: false });
      }
    }
    return out;
  }

  async treeUsage(path: string, maxEntries: number): Promise<{ bytes: number; entries: number } | null> {
    const start = await this.volume.lookup(path);
    if (!start || start.kind !== 'directory') return null;
    let bytes = 0;
    let entries = 0;
    const stack = [start];
    while (stack.length > 0) {
      const dir = stack.pop();
      if (!dir) break;
      for (const entry of await this.volume.list(dir)) {
        if ((entries += 1) > maxEntries) return null;
        const inode = await this.volume.readInode(entry.ino);
        bytes += inode.allocatedBytes;
        if (inode.kind === 'directory') stack.push(inode);
      }
    }
    return { bytes, entries };
  }
}
