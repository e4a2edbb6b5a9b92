// home.img: an ext4 filesystem in a file, which Fedora's livesys mounts on /home
// (livecd-spec.md §1.5; label HOME as livecd-iso-to-disk makes it). mke2fs writes only metadata
// (lazy inode tables, no discard), so a 4 GiB home costs a few MiB of writes.
import { open } from 'node:fs/promises';
import { runTool } from '../system/runTool';

const HOME_MKFS = ['-t', 'ext4', '-F', '-q', '-m', '0', '-L', 'HOME', '-E', 'nodiscard,lazy_itable_init=1,lazy_journal_init=1'];

/** A sparse file of `size` holding a fresh ext4 (for sticks whose filesystem keeps holes). */
export async function makeHomeImageFile(path: string, size: number, uuid: string, signal?: AbortSignal): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  await handle.truncate(size);
  await handle.close();
  await runTool('mke2fs', [...HOME_MKFS, '-U', uuid, path], { what: 'making the ext4 filesystem of home.img', signal });
}

/** The same, made in place inside a device at `offset` (home.img is one contiguous run there). */
export async function makeHomeInPlace(device: string, offset: number, size: number, uuid: string, signal?: AbortSignal): Promise<void> {
  const blocks = Math.floor(size / 1024);
  await runTool('mke2fs', [...HOME_MKFS.slice(0, -1), `${HOME_MKFS.at(-1)},offset=${offset}`, '-b', '4096', '-U', uuid, device, `${blocks}k`], {
    what: 'making the ext4 filesystem of home.img',
    signal,
  });
}
