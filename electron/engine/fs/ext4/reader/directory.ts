// ext4 directory blocks read linearly (fs/ext4/ext4.h `struct ext4_dir_entry_2`). Hashed (htree)
// directories read the same way: their index blocks look like one empty entry spanning the
// block, and the checksum tail is an entry with inode 0, so both are skipped like deleted entries.

export interface Ext4DirEntry {
  readonly name: string;
  readonly inode: number;
  /** EXT4_FT_*: 1 regular file, 2 directory, 7 symlink; 0 when the fs has no filetype feature. */
  readonly fileType: number;
}

export const FileType = { REGULAR: 1, DIRECTORY: 2, SYMLINK: 7 } as const;

/** ext4_rec_len_from_disk: 64 KiB blocks store 65536 as 0 or 65535. */
function recordLength(raw: number, blockSize: number): number {
  if (blockSize < 65536) return raw;
  return raw === 65535 || raw === 0 ? blockSize : (raw & 65532) | ((raw & 3) << 16);
}

/** The live entries in `bytes` (whole directory blocks, or an inline-data area with `blockSize` = its length). */
export function parseDirectoryBlocks(bytes: Buffer, blockSize: number, withFileType: boolean): Ext4DirEntry[] {
  const entries: Ext4DirEntry[] = [];
  for (let block = 0; block < bytes.length; block += blockSize) {
    const end = Math.min(bytes.length, block + blockSize);
    let offset = block;
    while (offset + 8 <= end) {
      const inode = bytes.readUInt32LE(offset);
      const length = recordLength(bytes.readUInt16LE(offset + 4), blockSize);
      const nameLength = bytes.readUInt8(offset + 6);
      // A corrupt length would loop or run off the block: the rest of the block is unreadable.
      if (length < 8 || offset + length > end || 8 + nameLength > length) break;
      if (inode !== 0 && nameLength > 0) {
        const name = bytes.toString('utf8', offset + 8, offset + 8 + nameLength);
        if (name !== '.' && name !== '..') entries.push({ name, inode, fileType: withFileType ? bytes.readUInt8(offset + 7) : 0 });
      }
      offset += length;
    }
  }
  return entries;
}
