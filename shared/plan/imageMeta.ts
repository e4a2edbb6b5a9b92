// One live image on a multi-image stick, as `/<dir>/stickwright-image.json` records it: what its
// boot menu entry needs (kernel, initrd, the ISO entry's own kernel arguments) and the name a
// person sees. Sticks without the file (older ones, livecd-iso-to-disk's) get the same facts
// derived from their boot menus (imageFromBootEntry), so the menus can always be regenerated
// from what is on the stick.
import { z } from 'zod';
import type { BootEntry } from '../contract/isoReport';
import { LiveDir } from '../contract/job';
import { stripGrubDevice } from './bootSources';
import { rewriteKernelArgs, splitKernelArgs } from './kernelArgs';

export const IMAGE_META_FILE = 'stickwright-image.json';

export const ImageMeta = z.strictObject({
  version: z.literal(1),
  /** The menu title: distribution and version from the ISO, or what the person chose. */
  name: z.string().min(1).max(200),
  dir: LiveDir,
  /** Absolute paths on the live filesystem. */
  kernel: z.string().startsWith('/'),
  initrd: z.array(z.string().startsWith('/')),
  /** The ISO entry's own kernel arguments: everything but root=, rd.live.*, ro/rw and media checks. */
  args: z.string(),
  isoLabel: z.string().nullable(),
  family: z.string(),
  /** ISO 8601; null when derived from a boot menu. */
  addedAt: z.string().nullable(),
});
export type ImageMeta = z.infer<typeof ImageMeta>;

/** The arguments of an ISO's (or a stick's) kernel line that are the image's own. */
export function ownKernelArgs(cmdline: string): string {
  // rewriteKernelArgs drops every token we own and puts exactly these four first.
  const marker = { rootSpec: 'X', liveDir: 'X', overlay: null, fsType: '' };
  const tokens = splitKernelArgs(rewriteKernelArgs(cmdline, marker)).slice(4);
  return tokens.filter((t) => t !== 'rootfstype=' && !/^(initrd|BOOT_IMAGE)=/.test(t)).join(' ');
}

/** A menu title without the verb distributions put first ("Start Fedora-…" → "Fedora-…"). */
export function imageNameFromTitle(title: string): string {
  // livecd-iso-to-disk --multi prefixes "<dir> ~" (livecd-spec.md §1.7).
  const name = title.trim().replace(/^\S+ ~\s*/u, '').replace(/^(start|boot|run|try)\s+/iu, '').trim();
  return name || title.trim();
}

/** Case-insensitively different from every name given (vfat compares names that way). */
export function isDirFree(dir: string, taken: Iterable<string>): boolean {
  const lower = dir.toLowerCase();
  for (const t of taken) if (t.toLowerCase() === lower) return false;
  return true;
}

const DIR_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A short random directory name (4 of [a-z0-9], like livecd-iso-to-disk --multi's mktemp XXXX). */
export function randomDirName(taken: Iterable<string>, random: () => number): string {
  const all = [...taken];
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    let name = '';
    for (let i = 0; i < 4; i += 1) name += DIR_CHARS[Math.floor(random() * DIR_CHARS.length) % DIR_CHARS.length];
    // Not a name dracut or the stick already uses for something else.
    if (isDirFree(name, [...all, 'LiveOS', 'boot', 'EFI', 'syslinux', 'images', 'isolinux'])) return name;
  }
  throw new Error('no free directory name');
}

/** Checks a directory name given by a person; returns the reason it cannot be used, or null. */
export function dirNameProblem(dir: string, taken: Iterable<string>): string | null {
  if (!LiveDir.safeParse(dir).success) return `"${dir}" is not a directory name of letters, digits, ".", "_" and "-" (at most 64, not starting with a dot)`;
  if (['boot', 'efi', 'syslinux', 'images', 'isolinux', 'lost+found'].includes(dir.toLowerCase())) return `/${dir} is used by the boot loaders`;
  if (!isDirFree(dir, taken)) return `/${dir} already holds a live image`;
  return null;
}

/** The live directory a boot entry starts (rd.live.dir=, default LiveOS), or null for another kind of entry. */
export function entryDir(entry: BootEntry): string | null {
  const args = entry.cmdline.split(/\s+/u).filter(Boolean);
  if (!args.some((a) => a === 'rd.live.image' || a === 'liveimg' || a.startsWith('root=live:'))) return null;
  const dirArg = args.findLast((a) => a.startsWith('rd.live.dir=') || a.startsWith('live_dir='));
  return (dirArg ? dirArg.slice(dirArg.indexOf('=') + 1) : 'LiveOS').replace(/^\/+|\/+$/gu, '');
}

/**
 * The facts of an image without a metadata file, from the first boot menu entry that starts it
 * (the entries given all start `dir`). GRUB entries name absolute paths and are preferred;
 * SYSLINUX ones are relative to their config's directory (livecd-iso-to-disk: /syslinux for
 * /LiveOS, /<dir>/syslinux for --multi images, livecd-spec.md §1.7).
 */
export function imageFromBootEntries(dir: string, entries: readonly BootEntry[]): ImageMeta | null {
  const absolute = (p: string) => {
    const stripped = stripGrubDevice(p);
    return stripped.startsWith('/') ? stripped : `/${dir === 'LiveOS' ? '' : `${dir}/`}syslinux/${stripped}`;
  };
  const entry = entries.find((e) => e.kernel && stripGrubDevice(e.kernel).startsWith('/')) ?? entries.find((e) => e.kernel);
  if (!entry?.kernel) return null;
  return {
    version: 1,
    name: imageNameFromTitle(entry.title),
    dir,
    kernel: absolute(entry.kernel),
    initrd: entry.initrd.map(absolute),
    args: ownKernelArgs(entry.cmdline),
    isoLabel: null,
    family: 'dracut-liveos',
    addedAt: null,
  };
}
