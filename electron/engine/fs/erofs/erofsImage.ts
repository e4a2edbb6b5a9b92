// Enough of EROFS to list directories stored uncompressed (Linux fs/erofs/erofs_fs.h):
// the superblock at byte 1024, compact/extended inodes, and directory blocks of erofs_dirent.
import type { ByteSource } from '../../io/byteSource';
import { FilesystemError } from '../filesystemError';

export const EROFS_MAGIC = 0xe0f5e1e2;
export const EROFS_SUPER_OFFSET = 1024;

export interface ErofsSuperblock {
  readonly blockSize: number;
  readonly rootNid: number;
  readonly inodeCount: number;
  readonly blocks: number;
  readonly metaBlockAddress: number;
  readonly volumeName: string;
  readonly featureIncompat: number;
}

export type ErofsEntryKind = 'directory' | 'file' | 'symlink' | 'other';

export interface ErofsEntry {
  readonly name: string;
  readonly kind: ErofsEntryKind;
  readonly nid: number;
}

/** erofs_fs.h EROFS_INODE_FLAT_PLAIN … EROFS_INODE_CHUNK_BASED. */
const LAYOUT_FLAT_PLAIN = 0;
const LAYOUT_FLAT_INLINE = 2;
/** erofs_fs.h EROFS_FT_*: the file type byte of a dirent. */
const DIRENT_KINDS: Readonly<Record<number, ErofsEntryKind>> = { 1: 'file', 2: 'directory', 7: 'symlink' };
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;
const MAX_DEPTH = 64;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

export function isErofs(bytes: Buffer, offset = EROFS_SUPER_OFFSET): boolean {
  return bytes.length >= offset + 4 && bytes.readUInt32LE(offset) === EROFS_MAGIC;
}

/** struct erofs_super_block, read from its own 128 bytes. */
export function parseErofsSuperblock(bytes: Buffer): ErofsSuperblock {
  if (bytes.length < 128 || bytes.readUInt32LE(0) !== EROFS_MAGIC) throw new FilesystemError('EROFS', 'no EROFS magic');
  const blockBits = bytes.readUInt8(12);
  if (blockBits < 9 || blockBits > 16) throw new FilesystemError('EROFS', `block size 2^${blockBits} is invalid`);
  return {
    blockSize: 1 << blockBits,
    rootNid: bytes.readUInt16LE(14),
    inodeCount: Number(bytes.readBigUInt64LE(16)),
    blocks: bytes.readUInt32LE(36),
    metaBlockAddress: bytes.readUInt32LE(40),
    volumeName: bytes.toString('latin1', 64, 80).replace(/\0.*$/su, ''),
    featureIncompat: bytes.readUInt32LE(80),
  };
}

interface ErofsInode {
  readonly mode: number;
  readonly size: number;
  readonly layout: number;
  readonly rawBlockAddress: number;
  /** Where inline (tail-packed) data starts: right after the inode and its xattrs. */
  readonly inlineStart: number;
}

export class ErofsImage {
  private constructor(
    private readonly source: ByteSource,
    readonly superblock: ErofsSuperblock,
  ) {}

  static async open(source: ByteSource): Promise<ErofsImage> {
    if (source.size < EROFS_SUPER_OFFSET + 128) throw new FilesystemError('EROFS', 'the image is smaller than a superblock');
    return new ErofsImage(source, parseErofsSuperblock(await source.read(EROFS_SUPER_OFFSET, 128)));
  }

  listRoot(): Promise<ErofsEntry[]> {
    return this.listDirectory(this.superblock.rootNid);
  }

  async lookup(path: string): Promise<ErofsEntry | null> {
    const parts = path.split('/').filter((part) => part !== '');
    if (parts.length > MAX_DEPTH) return null;
    let nid = this.superblock.rootNid;
    let found: ErofsEntry | null = null;
    for (const part of parts) {
      if (found && found.kind !== 'directory') return null;
      found = (await this.listDirectory(nid)).find((entry) => entry.name === part) ?? null;
      if (!found) return null;
      nid = found.nid;
    }
    return found;
  }

  async listDirectory(nid: number): Promise<ErofsEntry[]> {
    const inode = await this.readInode(nid);
    if ((inode.mode & S_IFMT) !== S_IFDIR) throw new FilesystemError('EROFS', `inode ${nid} is not a directory`);
    if (inode.layout !== LAYOUT_FLAT_PLAIN && inode.layout !== LAYOUT_FLAT_INLINE) {
      throw new FilesystemError('EROFS', `directory data layout ${inode.layout} (compressed or chunked) is not read`, true);
    }
    if (inode.size > MAX_DIRECTORY_BYTES) throw new FilesystemError('EROFS', `a directory of ${inode.size} bytes`);
    const { blockSize } = this.superblock;
    const entries: ErofsEntry[] = [];
    const fullBlocks = inode.layout === LAYOUT_FLAT_INLINE ? Math.floor(inode.size / blockSize) : Math.ceil(inode.size / blockSize);
    for (let i = 0; i < fullBlocks; i += 1) {
      const length = Math.min(blockSize, inode.size - i * blockSize);
      entries.push(...parseDirentBlock(await this.source.read((inode.rawBlockAddress + i) * blockSize, length)));
    }
    const tail = inode.size - fullBlocks * blockSize;
    if (tail > 0) entries.push(...parseDirentBlock(await this.source.read(inode.inlineStart, tail)));
    return entries.filter((entry) => entry.name !== '.' && entry.name !== '..');
  }

  private async readInode(nid: number): Promise<ErofsInode> {
    // erofs_fs.h erofs_iloc: inodes are 32-byte slots counted from the metadata block address.
    const position = this.superblock.metaBlockAddress * this.superblock.blockSize + nid * 32;
    const bytes = await this.source.read(position, Math.min(64, this.source.size - position));
    if (bytes.length < 32) throw new FilesystemError('EROFS', `inode ${nid} is past the end`);
    const format = bytes.readUInt16LE(0);
    const extended = (format & 1) === 1;
    const layout = (format >> 1) & 0x7;
    const xattrCount = bytes.readUInt16LE(2);
    // erofs_xattr_ibody_size: a 12-byte header plus 4 bytes per further slot.
    const xattrBytes = xattrCount === 0 ? 0 : 12 + (xattrCount - 1) * 4;
    const inodeSize = extended ? 64 : 32;
    if (extended && bytes.length < 64) throw new FilesystemError('EROFS', `inode ${nid} is past the end`);
    return {
      mode: bytes.readUInt16LE(4),
      // erofs_inode_compact: i_size u32 at 8; erofs_inode_extended: i_size u64 at 8.
      size: extended ? Number(bytes.readBigUInt64LE(8)) : bytes.readUInt32LE(8),
      layout,
      rawBlockAddress: bytes.readUInt32LE(16),
      inlineStart: position + inodeSize + xattrBytes,
    };
  }
}

/**
 * One directory block: erofs_dirent {nid u64, nameoff u16, file_type u8, reserved u8}; the first
 * dirent's nameoff / 12 is the count; each name runs to the next nameoff (the last to the block
 * end or a NUL).
 */
export function parseDirentBlock(block: Buffer): ErofsEntry[] {
  if (block.length < 12) return [];
  const first = block.readUInt16LE(8);
  const count = Math.floor(first / 12);
  if (first % 12 !== 0 || count === 0 || first > block.length) throw new FilesystemError('EROFS', 'a directory block has a bad first name offset');
  const entries: ErofsEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = i * 12;
    const nameStart = block.readUInt16LE(at + 8);
    const nameEnd = i + 1 < count ? block.readUInt16LE(at + 12 + 8) : block.length;
    if (nameStart > nameEnd || nameEnd > block.length) throw new FilesystemError('EROFS', 'a dirent name runs out of its block');
    let name = block.toString('utf8', nameStart, nameEnd);
    const nul = name.indexOf('\0');
    if (nul >= 0) name = name.slice(0, nul);
    entries.push({
      name,
      kind: DIRENT_KINDS[block.readUInt8(at + 10)] ?? 'other',
      nid: Number(block.readBigUInt64LE(at)),
    });
  }
  return entries;
}
