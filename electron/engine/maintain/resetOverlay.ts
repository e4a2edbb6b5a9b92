// Reset an image's persistent overlay on a stick that is not in use: every change the live system
// made is discarded, home.img is not touched. Done offline, as dracut's rd.live.overlay.reset and
// livecd-iso-to-disk --reset-overlay do it (livecd-spec.md §1.4):
//   dm-snapshot store   the first 64 KiB zeroed: the kernel then starts a fresh store
//   OverlayFS image     the image made again in place (empty /overlayfs and /ovlwork)
// An OverlayFS directory on ext4/F2FS would need a recursive delete inside a filesystem we do
// not mount; that is refused with what to do instead.
import { StickwrightError } from '../../../shared/errors';
import type { DmSnapshotOverlay, ImageUsage, OverlayFsImageOverlay, OverlayUsage, UsageReport } from '../../../shared/usage/usageReport';
import { DeviceFile } from '../disk/deviceFile';
import { withLoop } from '../disk/loopDevice';
import { openFileByteSource } from '../io/fileByteSource';
import { CachedByteSource } from '../io/cachedByteSource';
import { makeOverlayFsImageInPlace } from '../persist/overlayFsImage';
import { resolveTarget } from '../target/resolveTarget';
import { openStickFilesystem, type FileExtent } from '../usage/stickFilesystem';
import { readStickUsage } from '../usage/readStickUsage';

/** What dracut and livecd-iso-to-disk zero to reset a dm-snapshot store. */
export const DM_RESET_BYTES = 64 * 1024;

export interface ResetRequest {
  /** The whole stick (block device) or its image file. */
  readonly stick: string;
  /** The live directory whose overlay to reset; may be left out when the stick holds one image. */
  readonly dir?: string;
}

export interface ResetResult {
  readonly dir: string;
  readonly before: OverlayUsage;
  readonly after: OverlayUsage;
}

/** The image the request names, or a clear error listing the ones there are. */
export function chooseImage(report: UsageReport, dir: string | undefined): ImageUsage {
  const dirs = report.images.map((i) => i.dir);
  if (report.images.length === 0) throw new StickwrightError('STICK_NO_LIVE_IMAGE', report.stick.path);
  if (dir === undefined) {
    const only = report.images[0];
    if (report.images.length > 1 || !only) throw new StickwrightError('IMAGE_NOT_FOUND', `the stick holds ${dirs.join(', ')}: say which with --dir`, { dirs: dirs.join(',') });
    return only;
  }
  const wanted = dir.replace(/^\/+|\/+$/g, '');
  const found = report.images.find((i) => i.dir === wanted) ?? (report.live.fs === 'vfat' ? report.images.find((i) => i.dir.toLowerCase() === wanted.toLowerCase()) : undefined);
  if (!found) throw new StickwrightError('IMAGE_NOT_FOUND', `no live image in /${wanted}; the stick holds ${dirs.join(', ')}`, { dirs: dirs.join(',') });
  return found;
}

/** Checks what a reset would do, with no side effect: the image, its overlay, what is lost. */
export async function planReset(request: ResetRequest): Promise<{ report: UsageReport; image: ImageUsage; overlay: DmSnapshotOverlay | OverlayFsImageOverlay }> {
  // The same checks as a write: not a system disk, not a partition, nothing on it mounted.
  await resolveTarget({ path: request.stick, sourcePath: '/nonexistent/stickwright-no-source', mode: 'check' });
  const report = await readStickUsage(request.stick);
  const image = chooseImage(report, request.dir);
  const overlay = image.overlay;
  if (!overlay) throw new StickwrightError('RESET_NOT_POSSIBLE', `/${image.dir} has no persistent overlay: there is nothing to reset`);
  if (overlay.kind === 'overlayfs-dir') {
    throw new StickwrightError('RESET_NOT_POSSIBLE', `/${image.dir}'s overlay is an OverlayFS directory (${overlay.path}); emptying it needs the filesystem mounted. Boot the stick once with rd.live.overlay.reset added to the kernel command line, or mount the stick and empty ${overlay.path}`);
  }
  if (overlay.kind === 'unsupported') throw new StickwrightError('RESET_NOT_POSSIBLE', `${overlay.path} is not an overlay Stickwright can reset (${overlay.note ?? 'unknown kind'})`);
  return { report, image, overlay: overlay };
}

export async function resetOverlay(request: ResetRequest): Promise<ResetResult> {
  const { report, image, overlay } = await planReset(request);
  const live = report.live;
  const block = report.stick.kind === 'block-device';
  if (overlay.kind === 'dm-snapshot') {
    const extents = await overlayExtents(request.stick, live, overlay.path, Math.min(DM_RESET_BYTES, overlay.fileBytes));
    const device = await DeviceFile.open(request.stick, { block, size: report.stick.size });
    try {
      for (const extent of extents) {
        // Unwritten extents already read as zeros; writing them would only allocate.
        if (!extent.unwritten) await device.write(new Uint8Array(extent.length), live.start + extent.physical);
      }
      await device.flush();
    } finally {
      await device.close();
    }
  } else {
    const extents = await overlayExtents(request.stick, live, overlay.path, overlay.fileBytes);
    const first = extents[0];
    if (extents.length !== 1 || !first || first.length !== overlay.fileBytes) {
      throw new StickwrightError('RESET_NOT_POSSIBLE', `${overlay.path} is fragmented on the stick (${extents.length} pieces), so it cannot be made again in place; boot once with rd.live.overlay.reset instead`);
    }
    await withLoop(request.stick, live.start, live.size, (loop) => makeOverlayFsImageInPlace(loop, first.physical, first.length));
  }
  const after = chooseImage(await readStickUsage(request.stick), image.dir).overlay;
  if (!after) throw new StickwrightError('WRITE_FAILED', `the overlay of /${image.dir} is gone after the reset`);
  return { dir: image.dir, before: overlay, after };
}

async function overlayExtents(stick: string, live: UsageReport['live'], path: string, length: number): Promise<FileExtent[]> {
  const file = await openFileByteSource(stick);
  try {
    const fs = await openStickFilesystem(live.fs, new CachedByteSource(file, { blockSize: 4096, maxBlocks: 1024 }), live.start, live.size);
    // F2FS writes out of place: data fsync'ed after the last checkpoint lives at addresses only
    // the kernel's roll-forward knows, so the checkpoint's map could point at stale blocks.
    if (fs.kind === 'f2fs' && fs.journalRemark) {
      throw new StickwrightError('RESET_NOT_POSSIBLE', 'the F2FS filesystem holds changes written after its last checkpoint (it was not unmounted cleanly); boot the stick and shut it down cleanly, or mount and unmount it once, then reset');
    }
    return await fs.fileExtents(path, length);
  } finally {
    await file.close();
  }
}
