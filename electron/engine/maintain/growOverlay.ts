// Grow an image's dm-snapshot overlay into free space on a stick that is not in use. The store's
// exception areas sit at fixed places from its start, so a longer file only adds room: the kernel
// sees the new size at the next boot (`dmsetup status` shows the larger total) and keeps every
// change. The new room must read as zeros (the next metadata area the kernel reads must be
// empty): on ext4 it is allocated as unwritten extents, which do.
//
// Offline growth needs a filesystem we can extend without mounting: ext4 (debugfs). A FAT or
// F2FS stick, an OverlayFS overlay and home.img are refused with what to do instead.
import { StickwrightError } from '../../../shared/errors';
import { overflowSafeOverlaySize } from '../../../shared/plan/planWrite';
import { formatBytes } from '../../../shared/units';
import type { DmSnapshotOverlay, ImageUsage, UsageReport } from '../../../shared/usage/usageReport';
import { withLoop } from '../disk/loopDevice';
import { runTool } from '../system/runTool';
import { resolveTarget } from '../target/resolveTarget';
import { readStickUsage } from '../usage/readStickUsage';
import { chooseImage } from './resetOverlay';

const CHUNK = 4096;
/** Room left for the extent tree blocks the new extents need. */
const METADATA_MARGIN = 4 * 2 ** 20;

export interface GrowRequest {
  readonly stick: string;
  readonly dir?: string;
  /** The overlay's new size in bytes (rounded down to whole 4 KiB chunks). */
  readonly size: number;
}

export interface GrowPlan {
  readonly report: UsageReport;
  readonly image: ImageUsage;
  readonly overlay: DmSnapshotOverlay;
  /** The size the file will have (whole chunks, overflow-safe). */
  readonly newSize: number;
}

export interface GrowResult {
  readonly dir: string;
  readonly before: DmSnapshotOverlay;
  readonly after: DmSnapshotOverlay;
}

/** Every check of a grow, with no side effect. */
export async function planGrow(request: GrowRequest): Promise<GrowPlan> {
  await resolveTarget({ path: request.stick, sourcePath: '/nonexistent/stickwright-no-source', mode: 'check' });
  const report = await readStickUsage(request.stick);
  const image = chooseImage(report, request.dir);
  const overlay = image.overlay;
  if (!overlay) throw new StickwrightError('GROW_NOT_POSSIBLE', `/${image.dir} has no persistent overlay to grow`);
  if (overlay.kind !== 'dm-snapshot') {
    throw new StickwrightError('GROW_NOT_POSSIBLE', `/${image.dir}'s overlay is ${overlay.kind === 'overlayfs-dir' ? 'an OverlayFS directory: it already uses all free space on the stick' : `an ${overlay.kind}: growing it offline is not supported yet`}`);
  }
  if (report.live.fs !== 'ext4') {
    throw new StickwrightError('GROW_NOT_POSSIBLE', `the stick's live filesystem is ${report.live.fs}: growing a file in place is supported on ext4 only for now; write the stick again with a larger --overlay (home.img can be kept by copying it off first)`);
  }
  if (overlay.state === 'invalid' || overlay.state === 'overflowed') {
    throw new StickwrightError('GROW_NOT_POSSIBLE', `the overlay is ${overlay.state}: the kernel will not use it again whatever its size; reset it (stickwright reset-overlay) first`);
  }
  const newSize = overflowSafeOverlaySize(Math.floor(request.size / CHUNK) * CHUNK);
  if (newSize <= overlay.fileBytes) {
    throw new StickwrightError('USAGE', `the overlay is already ${formatBytes(overlay.fileBytes)}; give a larger size to grow it (it cannot shrink: the live system's changes are spread over it)`);
  }
  const needed = newSize - overlay.fileBytes + METADATA_MARGIN;
  if (needed > report.live.freeBytes) {
    throw new StickwrightError('TARGET_TOO_SMALL', `growing to ${formatBytes(newSize)} needs ${formatBytes(needed)} free on the stick, which has ${formatBytes(report.live.freeBytes)}; the largest overlay possible now is ${formatBytes(Math.max(overlay.fileBytes, Math.floor((overlay.fileBytes + report.live.freeBytes - METADATA_MARGIN) / CHUNK) * CHUNK))}`, {
      shortBy: needed - report.live.freeBytes,
    });
  }
  return { report, image, overlay, newSize };
}

export async function growOverlay(request: GrowRequest): Promise<GrowResult> {
  const { report, image, overlay, newSize } = await planGrow(request);
  const live = report.live;
  await withLoop(request.stick, live.start, live.size, async (device) => {
    // A journal still to replay first (the live system was powered off without unmounting):
    // e2fsck -p replays it as the kernel would at mount; debugfs must not write under it.
    await preen(device);
    const path = `/${overlay.path.replace(/^\/+/, '')}`;
    const firstNew = Math.ceil(overlay.fileBytes / CHUNK);
    const lastNew = newSize / CHUNK - 1;
    // The size first: fallocate inside the file's size makes unwritten extents (zeros); beyond
    // it, debugfs would make initialised ones holding whatever the blocks held.
    await runTool('debugfs', ['-w', '-f', '-', device], {
      input: `sif "${path}" size ${newSize}\nfallocate "${path}" ${firstNew} ${lastNew}\n`,
      what: 'growing the overlay file',
    });
    await runTool('e2fsck', ['-f', '-n', device], { what: 'checking the filesystem after the grow', failCode: 'VERIFY_FAILED' });
  });
  const after = chooseImage(await readStickUsage(request.stick), image.dir).overlay;
  if (after?.kind !== 'dm-snapshot' || after.fileBytes !== newSize) {
    throw new StickwrightError('VERIFY_FAILED', `the overlay of /${image.dir} reads as ${after?.kind === 'dm-snapshot' ? formatBytes(after.fileBytes) : (after?.kind ?? 'missing')} after growing it to ${formatBytes(newSize)}`);
  }
  return { dir: image.dir, before: overlay, after };
}

/** e2fsck -p: exit 0 (clean) or 1 (fixed, e.g. the journal replayed) is fine; more is not. */
async function preen(device: string): Promise<void> {
  try {
    await runTool('e2fsck', ['-p', device], { what: 'replaying the ext4 journal before changing the filesystem', failCode: 'VERIFY_FAILED' });
  } catch (error) {
    if (error instanceof StickwrightError && error.data.exitCode === 1) return;
    throw error;
  }
}
