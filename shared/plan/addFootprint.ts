// What adding a live image to a written stick copies, and the room that needs: the pure half of
// the engine's planAdd (electron/engine/multi/addImage.ts), here so the app's size sliders and
// the worker's check before the first change count the same bytes.
import type { IsoReport } from '../contract/isoReport';
import { StickwrightError } from '../errors';
import { MiB } from '../units';
import { stripGrubDevice } from './bootSources';
import { imageNameFromTitle } from './imageMeta';
import type { PersistencePlan, PlannedBootEntry, StickPlan } from './stickPlan';

/** Never fill the live filesystem: livesys, logs and the menus need room (as planWrite's MIN_FREE). */
export const ADD_MARGIN = 16 * MiB;
/** Files are counted in whole 64 KiB (FAT clusters are at most that; ext4 blocks less). */
export const ALLOC_UNIT = 64 * 1024;

/**
 * Planner problems that do not hold for an add: the stick's size is checked against its free
 * space instead, and its UEFI loaders are the first image's (already on the ESP), not this ISO's.
 */
export const ADD_IGNORED_PROBLEMS: ReadonlySet<string> = new Set(['TARGET_TOO_SMALL', 'UEFI_CANNOT_READ_FS']);

export interface AddFile {
  /** Where it goes on the stick: /<dir>/… */
  readonly path: string;
  readonly size: number;
  /** Where it comes from in the ISO. */
  readonly isoPath: string;
}

export interface AddFiles {
  /** The ISO's boot entry the new image's menu entry is made from (the default one). */
  readonly entry: PlannedBootEntry;
  readonly kernel: AddFile;
  readonly initrds: readonly AddFile[];
  /** Everything copied: the live directory's files, then the kernel and initrds into /<dir>/boot. */
  readonly files: readonly AddFile[];
}

export const allocated = (size: number): number => Math.ceil(size / ALLOC_UNIT) * ALLOC_UNIT;

/** The files an add of the planned image into /<dir> copies from the ISO. */
export function addImageFiles(report: IsoReport, plan: StickPlan, dir: string): AddFiles {
  const entry = plan.boot.entries.find((e) => e.isDefault) ?? plan.boot.entries[0];
  if (!entry) throw new StickwrightError('NO_LIVE_LAYOUT', 'no boot entry of the image names a kernel');
  const byLower = new Map(report.files.entries.map((f) => [f.path.toLowerCase(), f]));
  const isoFile = (p: string) => {
    const found = byLower.get(stripGrubDevice(p).toLowerCase());
    if (!found) throw new StickwrightError('NO_LIVE_LAYOUT', `the boot entry names ${p}, which the image does not hold`);
    return found;
  };
  const livePrefix = `/${plan.liveDir}/`.toLowerCase();
  const files: AddFile[] = plan.liveFiles
    .filter((f) => f.source.kind === 'iso' && f.path.toLowerCase().startsWith(livePrefix))
    .map((f) => ({ path: `/${dir}/${f.path.slice(livePrefix.length)}`, size: f.size, isoPath: f.source.kind === 'iso' ? f.source.isoPath : f.path }));
  // Kernel and initrd go inside the image's own directory, so removing it takes them along.
  const bootFile = (p: string): AddFile => {
    const found = isoFile(p);
    return { path: `/${dir}/boot/${found.path.slice(found.path.lastIndexOf('/') + 1)}`, size: found.size, isoPath: found.path };
  };
  const kernel = bootFile(entry.kernel);
  const initrds = entry.initrd.map(bootFile);
  for (const f of [kernel, ...initrds]) if (!files.some((g) => g.path === f.path)) files.push(f);
  return { entry, kernel, initrds, files };
}

/** Bytes the overlay file takes (an OverlayFS directory is given the size asked for, as room to grow into). */
export function overlayBytes(persistence: PersistencePlan, overlaySize: number): number {
  switch (persistence.kind) {
    case 'none':
      return 0;
    case 'overlayfs-dir':
      return overlaySize;
    default:
      return persistence.size;
  }
}

/** Free bytes the live filesystem must have for the add: files, overlay and home in whole units, plus the margin. */
export function addNeedBytes(files: readonly { readonly size: number }[], overlay: number, home: number): number {
  return files.reduce((sum, f) => sum + allocated(f.size), 0) + (overlay > 0 ? allocated(overlay) : 0) + (home > 0 ? allocated(home) : 0) + ADD_MARGIN + MiB;
}

/**
 * The new image's menu title: the one asked for, or the ISO entry's title without its verb, made
 * different from the images already there by the ISO's label, then by its directory.
 */
export function addImageName(entryTitle: string, isoLabel: string, taken: readonly string[], dir: string, requested?: string): string {
  const asked = requested?.trim();
  if (asked) return asked;
  let name = imageNameFromTitle(entryTitle);
  if (taken.includes(name)) name = `${name} (${isoLabel || dir})`;
  if (taken.includes(name)) name = `${name} (${dir})`;
  return name;
}
