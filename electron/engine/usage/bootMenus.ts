// Which boot menu entries start which live image: the stick's GRUB menus (BIOS and UEFI) and, for
// sticks made by livecd-iso-to-disk, SYSLINUX menus, parsed with the same parsers inspect uses.
// An entry belongs to the image named by its rd.live.dir= (default LiveOS, dracut
// dmsquash-live-root.sh; livecd-spec.md §2.1).
import type { BootEntry } from '../../../shared/contract/isoReport';
import { parseGrubConfig } from '../inspect/grubConfig';
import { parseSyslinuxConfig } from '../inspect/isolinuxConfig';
import { MAX_CONFIG_BYTES, type ReadConfigText } from '../inspect/configText';
import type { StickFilesystem } from './stickFilesystem';

export interface ImageBootEntries {
  readonly dir: string;
  readonly titles: string[];
  /** rd.live.overlay's path part, when an entry names one (`rd.live.overlay=UUID=…:/path`). */
  readonly overlayPath: string | null;
}

const GRUB_CONFIGS = ['/boot/grub2/grub.cfg', '/boot/grub/grub.cfg', '/EFI/BOOT/grub.cfg', '/EFI/BOOT/BOOT.conf', '/EFI/fedora/grub.cfg'];
const SYSLINUX_CONFIGS = ['/syslinux/syslinux.cfg', '/syslinux/extlinux.conf', '/isolinux/isolinux.cfg'];

function configReader(fs: StickFilesystem, fallback: StickFilesystem | null): ReadConfigText {
  const readOne = async (on: StickFilesystem, path: string): Promise<string | null> => {
    const entry = await on.stat(path).catch(() => null);
    if (!entry || entry.kind !== 'file' || entry.size > MAX_CONFIG_BYTES) return null;
    const file = await on.openFile(path);
    return (await file.read(0, file.size)).toString('utf8');
  };
  // After `search --set=root`, GRUB reads from the live filesystem (our menus search its UUID).
  return async (path, context) => ((context?.rootSearched && fallback ? await readOne(fallback, path) : null) ?? (await readOne(fs, path)));
}

/** The entries of every boot menu found on the given filesystems (the live one first). */
export async function readBootEntries(live: StickFilesystem, others: readonly StickFilesystem[]): Promise<BootEntry[]> {
  const entries: BootEntry[] = [];
  for (const fs of [live, ...others]) {
    const read = configReader(fs, fs === live ? null : live);
    for (const path of GRUB_CONFIGS) {
      if (!(await fs.stat(path).catch(() => null))) continue;
      entries.push(...(await parseGrubConfig(path, read).catch(() => ({ entries: [] }))).entries);
    }
    for (const path of SYSLINUX_CONFIGS) {
      if (!(await fs.stat(path).catch(() => null))) continue;
      entries.push(...(await parseSyslinuxConfig(path, read).catch(() => ({ entries: [] }))).entries);
    }
  }
  return entries;
}

/** Groups boot entries by the live directory they start. */
export function entriesByImage(entries: readonly BootEntry[]): Map<string, ImageBootEntries> {
  const byDir = new Map<string, { titles: string[]; overlayPath: string | null }>();
  for (const entry of entries) {
    const args = entry.cmdline.split(/\s+/u).filter(Boolean);
    const live = args.some((a) => a === 'rd.live.image' || a === 'liveimg' || a.startsWith('root=live:'));
    if (!live) continue;
    const dirArg = args.findLast((a) => a.startsWith('rd.live.dir=') || a.startsWith('live_dir='));
    const dir = (dirArg ? dirArg.slice(dirArg.indexOf('=') + 1) : 'LiveOS').replace(/^\/+|\/+$/gu, '');
    const overlayArg = args.findLast((a) => a.startsWith('rd.live.overlay=') || a.startsWith('rd.overlay='));
    const value = overlayArg ? overlayArg.slice(overlayArg.indexOf('=') + 1) : '';
    // dmsquash-live-root.sh: the path is the text after the last ':' when there is one (not "auto").
    const colon = value.lastIndexOf(':');
    const path = colon >= 0 ? value.slice(colon + 1) : '';
    const record = byDir.get(dir) ?? { titles: [], overlayPath: null };
    if (!record.titles.includes(entry.title)) record.titles.push(entry.title);
    if (path && path !== 'auto' && record.overlayPath === null) record.overlayPath = path.startsWith('/') ? path : `/${path}`;
    byDir.set(dir, record);
  }
  return new Map([...byDir].map(([dir, r]) => [dir, { dir, titles: r.titles, overlayPath: r.overlayPath }]));
}
