// The live images on a stick, with what their boot menu entries need, and the stick's boot menus:
// read offline through the usage reader and the stick filesystem readers. Each image's facts come
// from its /<dir>/stickwright-image.json, or — for sticks without one (older ones, those made by
// livecd-iso-to-disk) — from the boot menu entries already on the stick that start it.
import { StickwrightError } from '../../../shared/errors';
import { entryDir, IMAGE_META_FILE, ImageMeta, imageFromBootEntries } from '../../../shared/plan/imageMeta';
import type { MenuOverlay } from '../../../shared/plan/multiImageMenu';
import type { ImageUsage, UsageReport } from '../../../shared/usage/usageReport';
import type { BootEntry } from '../../../shared/contract/isoReport';
import { CachedByteSource } from '../io/cachedByteSource';
import { openFileByteSource } from '../io/fileByteSource';
import { readBootEntries } from '../usage/bootMenus';
import { readStickUsage } from '../usage/readStickUsage';
import { openStickFilesystem, type StickFilesystem } from '../usage/stickFilesystem';

export interface StickImage {
  readonly dir: string;
  /** Null when neither a metadata file nor a boot entry says how to start it. */
  readonly meta: ImageMeta | null;
  readonly metaSource: 'file' | 'menu' | 'none';
  readonly usage: ImageUsage;
  readonly overlay: MenuOverlay;
}

export interface PartitionRef {
  readonly fs: 'ext4' | 'vfat' | 'f2fs';
  readonly start: number;
  readonly size: number;
}

export interface MenuFile {
  readonly on: 'live' | 'esp';
  readonly path: string;
  readonly firmware: 'bios' | 'uefi';
  readonly text: string;
}

/** The one grubenv all menus share (see multiImageMenu.ts): beside the first menu on the live filesystem. */
export interface EnvFile {
  readonly on: 'live' | 'esp';
  readonly path: string;
  readonly exists: boolean;
}

export interface StickImages {
  readonly stick: string;
  readonly report: UsageReport;
  /** Menu order: the default image first. */
  readonly images: readonly StickImage[];
  readonly live: PartitionRef;
  readonly esp: PartitionRef | null;
  readonly menus: readonly MenuFile[];
  readonly env: EnvFile | null;
}

const LIVE_MENUS: ReadonlyArray<{ path: string; firmware: 'bios' | 'uefi' }> = [
  { path: '/boot/grub2/grub.cfg', firmware: 'bios' },
  { path: '/EFI/BOOT/grub.cfg', firmware: 'uefi' },
  { path: '/EFI/BOOT/BOOT.conf', firmware: 'uefi' },
];
const ESP_MENUS = LIVE_MENUS.filter((m) => m.path.startsWith('/EFI/'));

export function overlayKind(image: ImageUsage): MenuOverlay {
  switch (image.overlay?.kind) {
    case 'dm-snapshot':
      return 'dm-snapshot';
    case 'overlayfs-dir':
    case 'overlayfs-image':
      return 'overlayfs';
    default:
      return 'none';
  }
}

export async function readStickImages(stick: string): Promise<StickImages> {
  const report = await readStickUsage(stick);
  const live: PartitionRef = { fs: report.live.fs, start: report.live.start, size: report.live.size };
  const file = await openFileByteSource(stick);
  try {
    const source = new CachedByteSource(file, { blockSize: 4096, maxBlocks: 4096 });
    const liveFs = await openStickFilesystem(live.fs, source, live.start, live.size);
    let esp: PartitionRef | null = null;
    let espFs: StickFilesystem | null = null;
    for (const p of report.stick.partitions) {
      if (p.fs !== 'vfat' || p.start === live.start) continue;
      const fs = await openStickFilesystem('vfat', source, p.start, p.size).catch(() => null);
      if (fs && (await fs.stat('/EFI/BOOT').catch(() => null))?.kind === 'directory') {
        esp = { fs: 'vfat', start: p.start, size: p.size };
        espFs = fs;
        break;
      }
    }
    const menus: MenuFile[] = [];
    const readMenus = async (fs: StickFilesystem, on: 'live' | 'esp', list: typeof LIVE_MENUS) => {
      for (const m of list) {
        const text = await readText(fs, m.path);
        if (text === null) continue;
        menus.push({ on, path: m.path, firmware: m.firmware, text });
      }
    };
    await readMenus(liveFs, 'live', LIVE_MENUS);
    if (espFs) await readMenus(espFs, 'esp', ESP_MENUS);
    const home = menus.find((m) => m.path.endsWith('/grub.cfg'));
    let env: EnvFile | null = null;
    if (home) {
      const path = `${home.path.slice(0, home.path.lastIndexOf('/'))}/grubenv`;
      const fs = home.on === 'live' ? liveFs : espFs;
      env = { on: home.on, path, exists: (await fs?.stat(path).catch(() => null))?.kind === 'file' };
    }

    const entries = await readBootEntries(liveFs, espFs ? [espFs] : []).catch(() => [] as BootEntry[]);
    const same = (a: string, b: string) => (liveFs.caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);
    const images: Array<StickImage & { order: number }> = [];
    for (const usage of report.images) {
      const fromFile = await readMeta(liveFs, usage.dir);
      const index = entries.findIndex((e) => same(entryDir(e) ?? '', usage.dir));
      const meta = fromFile ?? imageFromBootEntries(usage.dir, entries.filter((e) => same(entryDir(e) ?? '', usage.dir)));
      images.push({
        dir: usage.dir,
        meta: meta ? { ...meta, dir: usage.dir } : null,
        metaSource: fromFile ? 'file' : meta ? 'menu' : 'none',
        usage,
        overlay: overlayKind(usage),
        order: index >= 0 ? index : entries.length + (fromFile?.addedAt ? Date.parse(fromFile.addedAt) / 1e13 : 0.99),
      });
    }
    images.sort((a, b) => a.order - b.order || a.dir.localeCompare(b.dir));
    return { stick, report, images: images.map(({ order: _order, ...image }) => image), live, esp, menus, env };
  } catch (error) {
    if (error instanceof StickwrightError) throw error;
    throw new StickwrightError('STICK_UNREADABLE', error instanceof Error ? error.message : String(error), { path: stick });
  } finally {
    await file.close();
  }
}

async function readText(fs: StickFilesystem, path: string): Promise<string | null> {
  const entry = await fs.stat(path).catch(() => null);
  if (!entry || entry.kind !== 'file' || entry.size > 1024 * 1024) return null;
  const file = await fs.openFile(path);
  return (await file.read(0, file.size)).toString('utf8');
}

async function readMeta(fs: StickFilesystem, dir: string): Promise<ImageMeta | null> {
  const text = await readText(fs, `/${dir}/${IMAGE_META_FILE}`).catch(() => null);
  if (text === null) return null;
  try {
    const parsed = ImageMeta.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

