// Before anything is written: is the live root image (squashfs.img, filesystem.squashfs) whole?
// A cheap look at its superblock, not a checksum of its data: the magic, a valid squashfs 4
// superblock, and bytes_used (how long the filesystem says it is) within the file the ISO holds.
// A damaged or cut-short root image would make a stick that cannot boot; better to refuse it as
// SOURCE_CORRUPT while the target is still untouched (style-security.md B.5 T22). Damage inside
// the compressed data is not seen here: only the distribution's checksum of the whole ISO (or
// checkisomd5) finds that.
import { StickwrightError } from '../../../shared/errors';
import type { ByteSource } from '../io/byteSource';
import { FilesystemError } from '../fs/filesystemError';
import { isSquashfs, parseSquashfsSuperblock, SUPERBLOCK_SIZE } from '../fs/squashfs/superblock';
import { EROFS_SUPER_OFFSET, isErofs } from '../fs/erofs/erofsImage';

/** A root image whose name says it is squashfs (dracut's squashfs.img, live-build's .squashfs). */
const SQUASHFS_NAME = /squashfs/i;

export async function checkRootImage(imagePath: string, source: ByteSource): Promise<void> {
  const corrupt = (why: string, data: Record<string, number | string> = {}) =>
    new StickwrightError('SOURCE_CORRUPT', `the live root image ${imagePath} ${why}`, { path: imagePath, size: source.size, ...data });
  const head = source.size >= SUPERBLOCK_SIZE ? await source.read(0, SUPERBLOCK_SIZE) : Buffer.alloc(0);
  const named = SQUASHFS_NAME.test(imagePath.split('/').pop() ?? '');
  // kiwi puts an EROFS root in a file still called squashfs.img (dracut mounts it by its magic).
  if (!isSquashfs(head) && source.size >= EROFS_SUPER_OFFSET + 4 && isErofs(await source.read(EROFS_SUPER_OFFSET, 4), 0)) return;
  if (!isSquashfs(head)) {
    if (named) throw corrupt(source.size < SUPERBLOCK_SIZE ? `is only ${source.size} bytes long` : 'has no squashfs superblock (no hsqs magic at its start)');
    return; // EROFS, ext4 or something else: not ours to judge here
  }
  let bytesUsed: number;
  try {
    bytesUsed = parseSquashfsSuperblock(head).bytesUsed;
  } catch (error) {
    if (error instanceof FilesystemError && error.unsupported) return; // an older squashfs: the planner speaks of it
    if (error instanceof FilesystemError) throw corrupt(`has a damaged squashfs superblock (${error.message})`);
    throw error;
  }
  if (bytesUsed > source.size) {
    throw corrupt(`is cut short: its superblock says ${bytesUsed} bytes, the ISO holds ${source.size}`, { bytesUsed });
  }
}
