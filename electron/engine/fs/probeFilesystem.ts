// What a filesystem image is, from its magic numbers alone.
import type { ByteSource } from '../io/byteSource';
import { EROFS_MAGIC, EROFS_SUPER_OFFSET } from './erofs/erofsImage';
import { SQUASHFS_MAGIC } from './squashfs/superblock';

export type FilesystemKind = 'squashfs' | 'erofs' | 'ext4' | 'fat' | 'unknown';

/** ext2/3/4 superblock at 1024, s_magic 0xEF53 at +0x38 (Linux fs/ext4/ext4.h). */
const EXT_MAGIC = 0xef53;

export async function probeFilesystem(source: ByteSource): Promise<FilesystemKind> {
  const head = await source.read(0, Math.min(source.size, 2048));
  if (head.length >= 4 && head.readUInt32LE(0) === SQUASHFS_MAGIC) return 'squashfs';
  if (head.length >= EROFS_SUPER_OFFSET + 4 && head.readUInt32LE(EROFS_SUPER_OFFSET) === EROFS_MAGIC) return 'erofs';
  if (head.length >= 1024 + 0x3a && head.readUInt16LE(1024 + 0x38) === EXT_MAGIC) return 'ext4';
  if (head.length >= 512 && head.readUInt16LE(510) === 0xaa55 && /^FAT(12|16|32)?/u.test(fatTypeLabel(head))) return 'fat';
  return 'unknown';
}

/** The informational "FAT16   "/"FAT32   " string of the extended BPB. */
function fatTypeLabel(head: Buffer): string {
  const fat32 = head.toString('latin1', 0x52, 0x5a);
  return fat32.startsWith('FAT') ? fat32 : head.toString('latin1', 0x36, 0x3e);
}
