// The UEFI loaders in the ISO's /EFI/BOOT: which is shim, which is GRUB, and which filesystems
// that GRUB can read. A stick writer keeps the ISO's own (signed) loaders so Secure Boot keeps
// working — but only where that GRUB can read the stick's filesystem.
import type { EfiFilesystem, EfiLoader } from '../../../shared/contract/isoReport';
import type { IsoEntry, IsoFileSystem } from '../iso/isoFileSystem';

/** GRUB modules carry their error messages as plain strings inside the EFI image (modules are
 *  not compressed there); livecd-iso-to-disk greps "a F2FS filesystem" the same way (§1.11). */
const FILESYSTEM_MARKERS: ReadonlyArray<readonly [EfiFilesystem, string]> = [
  ['vfat', 'not a FAT filesystem'],
  ['ext4', 'not an ext2 filesystem'],
  ['f2fs', 'not a F2FS filesystem'],
  ['iso9660', 'not a ISO9660 filesystem'],
  ['btrfs', 'not a Btrfs filesystem'],
  ['xfs', 'not a XFS filesystem'],
];
const MAX_LOADER_BYTES = 16 * 1024 * 1024;
const MAX_LOADERS = 12;

export async function readEfiLoaders(fs: IsoFileSystem): Promise<EfiLoader[]> {
  const dir = await fs.lookup('/EFI/BOOT', { caseInsensitive: true });
  if (!dir || dir.kind !== 'directory') return [];
  const files = (await fs.list(dir)).filter((entry) => entry.kind === 'file' && /\.efi$/i.test(entry.name));
  const loaders: EfiLoader[] = [];
  for (const entry of files.slice(0, MAX_LOADERS)) loaders.push(await describeLoader(fs, entry));
  return loaders;
}

async function describeLoader(fs: IsoFileSystem, entry: IsoEntry): Promise<EfiLoader> {
  const base = { path: entry.path, size: entry.size };
  if (entry.size === 0 || entry.size > MAX_LOADER_BYTES) return { ...base, kind: 'other', filesystems: [] };
  const bytes = await fs.readFile(entry, MAX_LOADER_BYTES);
  const text = bytes.toString('latin1');
  // shim identifies itself in its .sbat section ("shim,<n>,UEFI shim,shim,…").
  if (/\nshim,\d+,/.test(text) || text.includes('UEFI SHIM')) return { ...base, kind: 'shim', filesystems: [] };
  const grub = text.includes('GNU GRUB') || /\ngrub,\d+,/.test(text);
  if (!grub) return { ...base, kind: 'other', filesystems: [] };
  const filesystems = FILESYSTEM_MARKERS.filter(([, marker]) => text.includes(marker)).map(([name]) => name);
  return { ...base, kind: 'grub', filesystems };
}
