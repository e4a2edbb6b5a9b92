// `stickwright remove`: one live image off a stick with several, offline. The boot menus are
// regenerated without it first (so no menu ever names a missing image), then its directory goes
// — root image, kernel and initrd, overlay, home.img — and, for an image whose kernel and initrd
// lie outside its directory (the first image of a stick Stickwright or livecd-iso-to-disk wrote:
// /images/pxeboot, /syslinux), those files too when no other image uses them. Nothing of the
// other images is touched.
import { StickwrightError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/units';
import { chooseImage } from '../maintain/resetOverlay';
import { withStickFiles } from '../stickfs/stickFiles';
import { resolveTarget } from '../target/resolveTarget';
import { readStickImages, type StickImage, type StickImages } from './stickImages';
import { menuImages, writeStickMenus } from './stickMenus';

export interface RemoveRequest {
  readonly stick: string;
  readonly dir: string;
}

export interface RemovePlan {
  readonly state: StickImages;
  readonly image: StickImage;
  /** Files outside the image's directory that go with it. */
  readonly alsoFiles: readonly string[];
  /** What is lost, for the question. */
  readonly loses: string;
}

export interface RemoveResult {
  readonly dir: string;
  readonly name: string;
  readonly removed: readonly string[];
  readonly menus: readonly string[];
  readonly freeBefore: number;
  readonly freeAfter: number;
}

export async function planRemove(request: RemoveRequest): Promise<RemovePlan> {
  await resolveTarget({ path: request.stick, sourcePath: '/nonexistent/stickwright-no-source', mode: 'check' });
  const state = await readStickImages(request.stick);
  const usage = chooseImage(state.report, request.dir);
  const image = state.images.find((i) => i.dir === usage.dir);
  if (!image) throw new StickwrightError('IMAGE_NOT_FOUND', `no live image in /${request.dir}`);
  if (state.live.fs === 'f2fs') {
    throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the stick\'s live filesystem is F2FS: files cannot be removed from it offline (sload.f2fs only adds); nothing was changed');
  }
  if (state.images.length < 2) {
    throw new StickwrightError('MULTI_NOT_POSSIBLE', `/${image.dir} is the stick's only live image: without it the stick boots nothing; write the stick again instead`);
  }
  const rest = state.images.filter((i) => i !== image);
  // The remaining images must all be listable before anything changes.
  menuImages({ ...state, images: rest });
  const inside = (p: string) => p.toLowerCase().startsWith(`/${image.dir.toLowerCase()}/`);
  const usedByOthers = new Set(rest.flatMap((i) => (i.meta ? [i.meta.kernel, ...i.meta.initrd] : [])).map((p) => p.toLowerCase()));
  const alsoFiles = image.meta ? [image.meta.kernel, ...image.meta.initrd].filter((p) => !inside(p) && !usedByOthers.has(p.toLowerCase())) : [];
  const u = image.usage;
  const loses = [
    `the image ${image.meta?.name ?? image.dir} (/${image.dir}${u.rootImage ? `, ${formatBytes(u.rootImage.bytes)}` : ''})`,
    u.overlay ? `its overlay with every system change it holds (${u.overlay.path})` : null,
    u.home ? `its home.img with every file in it (${formatBytes(u.home.fileBytes)})` : null,
  ].filter((s): s is string => s !== null);
  return { state, image, alsoFiles, loses: loses.join(', ') };
}

export async function removeImage(request: RemoveRequest): Promise<RemoveResult> {
  const plan = await planRemove(request);
  const { state, image } = plan;
  const rest = { ...state, images: state.images.filter((i) => i !== image) };
  const removed: string[] = [];
  let menus: string[] = [];
  await withStickFiles(request.stick, state.live, async (ops) => {
    menus = await writeStickMenus(rest, menuImages(rest), { liveOps: ops });
    await ops.remove(`/${image.dir}`);
    removed.push(`/${image.dir}`);
    for (const file of plan.alsoFiles) {
      await ops.remove(file);
      removed.push(file);
    }
  });
  const after = await readStickImages(request.stick);
  if (after.images.some((i) => i.dir === image.dir)) throw new StickwrightError('VERIFY_FAILED', `/${image.dir} still reads as a live image after removing it`);
  return { dir: image.dir, name: image.meta?.name ?? image.dir, removed, menus, freeBefore: state.report.live.freeBytes, freeAfter: after.report.live.freeBytes };
}
