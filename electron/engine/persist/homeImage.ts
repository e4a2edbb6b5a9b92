// home.img: an ext4 filesystem in a file, which Fedora's livesys mounts on /home
// (livecd-spec.md §1.5; label HOME as livecd-iso-to-disk makes it). No inode table is left for
// the live system's kernel to zero on its first boot (ext4lazyinit): on a vfat or F2FS stick that
// zeroing goes through a loop device whose file cannot take WRITE_ZEROES, so the kernel logs an
// error and falls back to writing zeros on the stick's first boot. Instead: a fresh sparse file
// is zero already (assume_storage_prezeroed: a 4 GiB home costs a few MiB of writes); a home made
// in place over old data has its inode tables zeroed now (lazy_itable_init=0: 1/64 of its size).
import { open } from 'node:fs/promises';
import { runTool } from '../system/runTool';

const HOME_MKFS = ['-t', 'ext4', '-F', '-q', '-m', '0', '-L', 'HOME'];

/** A sparse file of `size` holding a fresh ext4 (for sticks whose filesystem keeps holes). */
export async function makeHomeImageFile(path: string, size: number, uuid: string, signal?: AbortSignal): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  await handle.truncate(size);
  await handle.close();
  await runTool('mke2fs', [...HOME_MKFS, '-E', 'nodiscard,assume_storage_prezeroed=1', '-U', uuid, path], { what: 'making the ext4 filesystem of home.img', signal });
}

/** The same, made in place inside a device at `offset` (home.img is one contiguous run there). */
export async function makeHomeInPlace(device: string, offset: number, size: number, uuid: string, signal?: AbortSignal): Promise<void> {
  const blocks = Math.floor(size / 1024);
  await runTool('mke2fs', [...HOME_MKFS, '-E', `nodiscard,lazy_itable_init=0,lazy_journal_init=1,offset=${offset}`, '-b', '4096', '-U', uuid, device, `${blocks}k`], {
    what: 'making the ext4 filesystem of home.img',
    signal,
  });
}
