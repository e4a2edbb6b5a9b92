// Enough of a squashfs 4.0 reader to list directories by path without mounting: superblock,
// inodes of directories, and the directory table (Linux fs/squashfs/squashfs_fs.h, namei.c).
import type { ByteSource } from '../../io/byteSource';
import { FilesystemError } from '../filesystemError';
import { decompressorFor } from './decompressors';
import { MetadataReader } from './metadataReader';
import { parseSquashfsSuperblock, SUPERBLOCK_SIZE, type SquashfsSuperblock } from './superblock';

export type SquashfsEntryKind = 'directory' | 'file' | 'symlink' | 'other';

export interface SquashfsEntry {
  readonly name: string;
  readonly kind: SquashfsEntryKind;
  readonly inode: { readonly block: number; readonly offset: number };
}

/** Directory entry types are the basic inode types (squashfs_fs.h SQUASHFS_DIR_TYPE …). */
const ENTRY_KINDS: Readonly<Record<number, SquashfsEntryKind>> = { 1: 'directory', 2: 'file', 3: 'symlink' };
const BASIC_DIR = 1;
const EXTENDED_DIR = 8;
const MAX_LISTING_BYTES = 16 * 1024 * 1024;
const MAX_DEPTH = 64;

export class SquashfsImage {
  private constructor(
    readonly superblock: SquashfsSuperblock,
    private readonly metadata: MetadataReader,
  ) {}

  /** Reads the superblock; directories are read only when asked. */
  static async open(source: ByteSource): Promise<SquashfsImage> {
    if (source.size < SUPERBLOCK_SIZE) throw new FilesystemError('squashfs', 'the image is smaller than a superblock');
    const superblock = parseSquashfsSuperblock(await source.read(0, SUPERBLOCK_SIZE));
    if (superblock.bytesUsed > source.size) {
      throw new FilesystemError('squashfs', `the image says it uses ${superblock.bytesUsed} bytes but has ${source.size}`);
    }
    const reader = new MetadataReader(source, decompressorFor(superblock.compression), superblock.bytesUsed);
    return new SquashfsImage(superblock, reader);
  }

  /** The root directory's entries. */
  listRoot(): Promise<SquashfsEntry[]> {
    return this.listDirectory(this.superblock.rootInode);
  }

  /** Finds `path` from the root; null when a component is missing or not a directory. */
  async lookup(path: string): Promise<SquashfsEntry | null> {
    const parts = path.split('/').filter((part) => part !== '');
    if (parts.length > MAX_DEPTH) return null;
    let inode = this.superblock.rootInode;
    let found: SquashfsEntry | null = null;
    for (const part of parts) {
      if (found && found.kind !== 'directory') return null;
      found = (await this.listDirectory(inode)).find((entry) => entry.name === part) ?? null;
      if (!found) return null;
      inode = found.inode;
    }
    return found;
  }

  async listDirectory(inode: { block: number; offset: number }): Promise<SquashfsEntry[]> {
    const { inodeTableStart, directoryTableStart } = this.superblock;
    // struct squashfs_base_inode (16 bytes), then the directory inode's own fields.
    const header = await this.metadata.read(inodeTableStart + inode.block, inode.offset, 16);
    const type = header.readUInt16LE(0);
    let blockIndex: number;
    let fileSize: number;
    let blockOffset: number;
    if (type === BASIC_DIR) {
      // struct squashfs_dir_inode: start_block, nlink, file_size (u16), offset, parent_inode.
      const body = await this.metadata.read(inodeTableStart + inode.block, inode.offset, 32);
      blockIndex = body.readUInt32LE(16);
      fileSize = body.readUInt16LE(24);
      blockOffset = body.readUInt16LE(26);
    } else if (type === EXTENDED_DIR) {
      // struct squashfs_ldir_inode: nlink, file_size (u32), start_block, parent, i_count, offset, xattr.
      const body = await this.metadata.read(inodeTableStart + inode.block, inode.offset, 40);
      fileSize = body.readUInt32LE(20);
      blockIndex = body.readUInt32LE(24);
      blockOffset = body.readUInt16LE(34);
    } else {
      throw new FilesystemError('squashfs', `inode type ${type} is not a directory`);
    }
    // file_size counts 3 bytes for "." and ".." that are not stored (squashfs_fs.h, dir.c).
    const listingSize = fileSize - 3;
    if (listingSize <= 0) return [];
    if (listingSize > MAX_LISTING_BYTES) throw new FilesystemError('squashfs', `a directory listing of ${listingSize} bytes`);
    const listing = await this.metadata.read(directoryTableStart + blockIndex, blockOffset, listingSize);
    return parseDirectoryListing(listing);
  }
}

/**
 * A listing is a run of headers (count−1, inode block, base inode number), each followed by up to
 * 256 entries (offset, inode delta, type, name size−1, name) (squashfs_fs.h dir_header, dir_entry).
 */
export function parseDirectoryListing(bytes: Buffer): SquashfsEntry[] {
  const entries: SquashfsEntry[] = [];
  let offset = 0;
  while (offset + 12 <= bytes.length) {
    const count = bytes.readUInt32LE(offset) + 1;
    const inodeBlock = bytes.readUInt32LE(offset + 4);
    offset += 12;
    if (count > 256) throw new FilesystemError('squashfs', `a directory header announces ${count} entries`);
    for (let i = 0; i < count; i += 1) {
      if (offset + 8 > bytes.length) throw new FilesystemError('squashfs', 'a directory entry runs past the listing');
      const inodeOffset = bytes.readUInt16LE(offset);
      const type = bytes.readUInt16LE(offset + 4);
      const nameLength = bytes.readUInt16LE(offset + 6) + 1;
      if (nameLength > 256 || offset + 8 + nameLength > bytes.length) {
        throw new FilesystemError('squashfs', 'a directory entry name runs past the listing');
      }
      entries.push({
        name: bytes.toString('utf8', offset + 8, offset + 8 + nameLength),
        kind: ENTRY_KINDS[type] ?? 'other',
        inode: { block: inodeBlock, offset: inodeOffset },
      });
      offset += 8 + nameLength;
    }
  }
  return entries;
}
