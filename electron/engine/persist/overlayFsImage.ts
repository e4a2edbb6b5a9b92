// The OverlayFS overlay on vfat: vfat has no xattrs or d_type, so the upper and work directories
// live in an ext4 image file named like the dm-snapshot overlay, with /overlayfs and /ovlwork at
// its root (livecd-spec.md §1.4 "vfat/msdos targets"; dracut checks for both directories).
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTool } from '../system/runTool';

const MKFS = ['-t', 'ext4', '-F', '-q', '-m', '0', '-L', 'OVERLAY'];

async function withOverlayTree<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sw-ovl-'));
  try {
    await mkdir(path.join(dir, 'overlayfs'), { mode: 0o755 });
    await mkdir(path.join(dir, 'ovlwork'), { mode: 0o755 });
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function makeOverlayFsImageInPlace(device: string, offset: number, size: number, signal?: AbortSignal): Promise<void> {
  await withOverlayTree((dir) =>
    // Inode tables zeroed now, not by the live kernel through a loop over vfat (homeImage.ts).
    runTool('mke2fs', [...MKFS, '-E', `nodiscard,lazy_itable_init=0,lazy_journal_init=1,offset=${offset}`, '-b', '4096', '-d', dir, device, `${Math.floor(size / 1024)}k`], {
      what: 'making the OverlayFS image',
      signal,
    }),
  );
}
