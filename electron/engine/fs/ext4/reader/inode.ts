// An ext4 inode, read-only (Linux fs/ext4/ext4.h `struct ext4_inode`).
import { FilesystemError } from '../../filesystemError';

/** i_flags (ext4.h EXT4_*_FL). */
export const InodeFlag = {
  INDEX: 0x1000,
  HUGE_FILE: 0x40000,
  EXTENTS: 0x80000,
  EA_INODE: 0x200000,
  INLINE_DATA: 0x10000000,
  ENCRYPT: 0x800,
} as const;

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

export interface Ext4Inode {
  readonly number: number;
  readonly mode: number;
  readonly size: number;
  readonly flags: number;
  /** Bytes allocated to the file (i_blocks in 512-byte units, or fs blocks with HUGE_FILE). */
  readonly allocatedBytes: number;
  readonly linksCount: number;
  /** The 60 bytes of i_block: extent tree root, block map, or inline data. */
  readonly block: Buffer;
  /** Extended attributes stored in the inode after i_extra_isize (the inline-data tail lives there). */
  readonly inlineXattrs: Buffer;
}

export function isDirectory(inode: Ext4Inode): boolean {
  return (inode.mode & S_IFMT) === S_IFDIR;
}

export function isRegularFile(inode: Ext4Inode): boolean {
  return (inode.mode & S_IFMT) === S_IFREG;
}

export function parseInode(number: number, raw: Buffer, blockSize: number, hugeFileFeature: boolean): Ext4Inode {
  if (raw.length < 128) throw new FilesystemError('ext4', `inode ${number} is shorter than 128 bytes`);
  const mode = raw.readUInt16LE(0x00);
  const flags = raw.readUInt32LE(0x20);
  const size = raw.readUInt32LE(0x6c) * 2 ** 32 + raw.readUInt32LE(0x04);
  // i_blocks_lo + l_i_blocks_high (osd2); fs blocks when the inode has HUGE_FILE (ext4.h ext4_inode_blocks).
  const blocks = raw.readUInt16LE(0x74) * 2 ** 32 + raw.readUInt32LE(0x1c);
  const allocatedBytes = hugeFileFeature && flags & InodeFlag.HUGE_FILE ? blocks * blockSize : blocks * 512;
  const extraIsize = raw.length > 128 ? raw.readUInt16LE(0x80) : 0;
  const xattrStart = 128 + extraIsize;
  return {
    number,
    mode,
    size,
    flags,
    allocatedBytes,
    linksCount: raw.readUInt16LE(0x1a),
    block: Buffer.from(raw.subarray(0x28, 0x28 + 60)),
    inlineXattrs: xattrStart + 4 <= raw.length ? Buffer.from(raw.subarray(xattrStart)) : Buffer.alloc(0),
  };
}

/** ext4 xattr.h: in-inode attributes start with this magic, then entries. */
const XATTR_MAGIC = 0xea020000;
/** EXT4_XATTR_INDEX_SYSTEM: "system." prefix; the inline-data tail is "system.data". */
const XATTR_INDEX_SYSTEM = 7;

/** The value of the in-inode `system.data` attribute (the rest of an inline-data file), or null. */
export function inlineDataTail(inode: Ext4Inode): Buffer | null {
  const area = inode.inlineXattrs;
  if (area.length < 4 || area.readUInt32LE(0) !== XATTR_MAGIC) return null;
  const entries = area.subarray(4);
  let offset = 0;
  // struct ext4_xattr_entry: name_len u8, name_index u8, value_offs u16, value_inum u32,
  // value_size u32, hash u32, name; entries are 4-byte aligned; a zero word ends the list.
  while (offset + 16 <= entries.length && entries.readUInt32LE(offset) !== 0) {
    const nameLength = entries.readUInt8(offset);
    const nameIndex = entries.readUInt8(offset + 1);
    const valueOffset = entries.readUInt16LE(offset + 2);
    const valueSize = entries.readUInt32LE(offset + 8);
    const name = entries.toString('latin1', offset + 16, offset + 16 + nameLength);
    if (nameIndex === XATTR_INDEX_SYSTEM && name === 'data') {
      if (valueOffset + valueSize > entries.length) return null;
      return Buffer.from(entries.subarray(valueOffset, valueOffset + valueSize));
    }
    offset += (16 + nameLength + 3) & ~3;
  }
  return null;
}
