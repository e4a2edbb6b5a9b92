// `stickwright add`: one more live image on a written stick, offline and without reformatting.
// The image goes into a sister directory of /LiveOS (a short random name, as livecd-iso-to-disk
// --multi makes, or the one given) with everything it needs inside it:
//   /<dir>/squashfs.img (or the ISO's root image name, and whatever else its /LiveOS holds)
//   /<dir>/boot/<kernel>, /<dir>/boot/<initrd>
//   /<dir>/overlay-<LABEL>-<UUID>   dm-snapshot file (zeros), or OverlayFS as the planner decides
//   /<dir>/home.img                 ext4 labelled HOME
//   /<dir>/stickwright-image.json   what its menu entry needs (shared/plan/imageMeta.ts)
// then every boot menu is regenerated from what is on the stick. Nothing of the other images is
// touched; the space check covers the whole stick and comes before the first change.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StickwrightError } from '../../../shared/errors';
import { ADD_IGNORED_PROBLEMS, ADD_MARGIN, addImageFiles, addImageName, addNeedBytes, overlayBytes, type AddFile } from '../../../shared/plan/addFootprint';
import { dirNameProblem, IMAGE_META_FILE, ownKernelArgs, randomDirName, type ImageMeta } from '../../../shared/plan/imageMeta';
import type { MenuOverlay } from '../../../shared/plan/multiImageMenu';
import { planWrite } from '../../../shared/plan/planWrite';
import { formatBytes } from '../../../shared/units';
import { makeHomeImageFile } from '../persist/homeImage';
import { makeOverlayFsImageInPlace } from '../persist/overlayFsImage';
import { withStickFiles } from '../stickfs/stickFiles';
import { resolveTarget } from '../target/resolveTarget';
import { IsoImage } from '../write/isoImage';
import { ProgressMeter, type ProgressSnapshot } from '../write/progressMeter';
import type { PhaseName } from '../../../shared/contract/events';
import { readStickImages, type StickImages } from './stickImages';
import { writeStickMenus, menuImages } from './stickMenus';


export interface AddRequest {
  readonly stick: string;
  readonly iso: string;
  readonly dir?: string;
  readonly overlaySize: number;
  readonly homeSize: number;
  readonly name?: string;
  /** For tests: the random source of the directory name, and the clock. */
  readonly random?: () => number;
  readonly now?: () => Date;
}

/** Phase and progress events of an add (the app's progress bar); bytes are those placed on the stick. */
export interface AddHooks {
  readonly onPhase?: (phase: PhaseName) => void;
  readonly onProgress?: (progress: ProgressSnapshot) => void;
}

export interface AddPlan {
  readonly state: StickImages;
  readonly dir: string;
  readonly meta: ImageMeta;
  readonly files: readonly AddFile[];
  readonly overlay: { readonly kind: 'dm-snapshot' | 'overlayfs-dir' | 'overlayfs-image'; readonly path: string; readonly size: number } | null;
  readonly menuOverlay: MenuOverlay;
  readonly home: { readonly path: string; readonly size: number } | null;
  readonly needBytes: number;
  readonly freeBytes: number;
  readonly notes: readonly string[];
}

export interface AddResult {
  readonly dir: string;
  readonly name: string;
  readonly files: readonly string[];
  readonly menus: readonly string[];
  readonly freeBefore: number;
  readonly freeAfter: number;
}

/** Every check of an add, with no side effect; the ISO is read (metadata only) and closed. */
export async function planAdd(request: AddRequest): Promise<AddPlan> {
  await resolveTarget({ path: request.stick, sourcePath: request.iso, mode: 'check' });
  const state = await readStickImages(request.stick);
  const live = state.report.live;
  if (live.fs === 'f2fs') {
    throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the stick\'s live filesystem is F2FS: Stickwright cannot change it offline (sload.f2fs could add files, but nothing can remove them again); write the stick with --fs ext4 or vfat to keep several images');
  }
  if (!live.uuid) throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the live filesystem has no UUID for the boot menus to find it by');
  // Every existing image must be listable in the regenerated menus before anything changes.
  menuImages(state);
  if (state.menus.length === 0) throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the stick has no GRUB menu (/boot/grub2/grub.cfg or /EFI/BOOT/grub.cfg) to list its images in');

  const taken = state.images.map((i) => i.dir);
  const dir = request.dir ?? randomDirName(taken, request.random ?? Math.random);
  const problem = dirNameProblem(dir, taken);
  if (problem) throw new StickwrightError('USAGE', `--dir ${dir}: ${problem}`);

  const iso = await IsoImage.open(request.iso);
  try {
    const report = iso.report;
    const vfatId = live.fs === 'vfat' ? live.uuid.replace('-', '').toUpperCase() : '00000000';
    const result = planWrite(
      report,
      2 ** 45,
      { fs: live.fs, overlaySize: request.overlaySize, overlayKind: 'auto', homeSize: request.homeSize, encryptHome: false, label: live.label ?? 'LIVE' },
      {
        fsUuid: live.fs === 'ext4' ? live.uuid : '00000000-0000-0000-0000-000000000000',
        liveVolumeId: /^[0-9A-F]{8}$/.test(vfatId) ? vfatId : '00000000',
        espVolumeId: '00000000',
        diskSignature: '00000000',
        homeUuid: randomUUID(),
      },
    );
    const problems = result.ok ? [] : result.problems.filter((p) => !ADD_IGNORED_PROBLEMS.has(p.code));
    const [first] = problems;
    if (first) throw new StickwrightError(first.code, first.message, first.data);
    if (!result.ok) throw new Error('planner failed without a problem');
    const plan = result.plan;

    const { entry, kernel, initrds, files } = addImageFiles(report, plan, dir);

    const overlayPath = `/${dir}/overlay-${live.label ?? ''}-${live.uuid}`;
    const persistence = plan.persistence;
    const overlay = persistence.kind === 'none' ? null : { kind: persistence.kind, path: overlayPath, size: overlayBytes(persistence, request.overlaySize) };
    const home = request.homeSize > 0 ? { path: `/${dir}/home.img`, size: request.homeSize } : null;

    const names = state.images.map((i) => i.meta?.name ?? i.dir);
    const name = addImageName(entry.title, report.volume.label, names, dir, request.name);
    const isoEntry = [...(report.bootConfigs ?? [])].flatMap((c) => c.entries).find((e) => e.title === entry.title && e.kernel === entry.kernel);
    const meta: ImageMeta = {
      version: 1,
      name,
      dir,
      kernel: kernel.path,
      initrd: initrds.map((f) => f.path),
      args: ownKernelArgs(isoEntry?.cmdline ?? entry.cmdline),
      isoLabel: report.volume.label || null,
      family: report.layout.family,
      addedAt: (request.now?.() ?? new Date()).toISOString(),
    };

    const needBytes = addNeedBytes(files, overlay?.size ?? 0, home?.size ?? 0);
    const freeBytes = live.freeBytes;
    if (needBytes > freeBytes) {
      throw new StickwrightError(
        'TARGET_TOO_SMALL',
        `adding ${path.basename(request.iso)} to /${dir} needs ${formatBytes(needBytes)} free on the stick (image ${formatBytes(files.reduce((s, f) => s + f.size, 0))}, overlay ${formatBytes(overlay?.size ?? 0)}, home ${formatBytes(home?.size ?? 0)}, ${formatBytes(ADD_MARGIN)} kept free); it has ${formatBytes(freeBytes)}: ${formatBytes(needBytes - freeBytes)} short — give a smaller --overlay or --home, or remove an image first`,
        { needBytes, haveBytes: freeBytes, shortBy: needBytes - freeBytes },
      );
    }
    const notes = [...plan.notes];
    const menuOverlay: MenuOverlay = !overlay ? 'none' : overlay.kind === 'dm-snapshot' ? 'dm-snapshot' : 'overlayfs';
    return { state, dir, meta, files, overlay, menuOverlay, home, needBytes, freeBytes, notes };
  } finally {
    await iso.close();
  }
}

/**
 * Carries out an add. A cancel (`signal`, e.g. Ctrl-C in the CLI) is honoured between steps and
 * while copying: what this add made is removed again, as after any failure.
 */
export async function addImage(request: AddRequest, onLog?: (message: string) => void, signal?: AbortSignal, hooks: AddHooks = {}): Promise<AddResult> {
  const plan = await planAdd(request);
  const { state, dir } = plan;
  const log = onLog ?? (() => undefined);
  const placedOverlay = plan.overlay?.kind === 'overlayfs-dir' ? 0 : (plan.overlay?.size ?? 0);
  const meter = new ProgressMeter(plan.files.reduce((sum, f) => sum + f.size, 0) + placedOverlay + (plan.home?.size ?? 0), (p) => hooks.onProgress?.(p));
  const enter = (phase: PhaseName) => {
    hooks.onPhase?.(phase);
    meter.enter(phase);
  };
  const iso = await IsoImage.open(request.iso);
  const written: string[] = [];
  let menus: string[] = [];
  try {
    await withStickFiles(request.stick, state.live, async (ops) => {
      await ops.mkdir(`/${dir}`);
      try {
        await ops.mkdir(`/${dir}/boot`);
        const step = (what: string) => {
          if (signal?.aborted) throw new StickwrightError('CANCELLED', `before ${what}; what this add made was removed`);
        };
        enter('copy');
        for (const file of plan.files) {
          step(`copying ${file.path}`);
          log(`copying ${file.isoPath} to ${file.path} (${formatBytes(file.size)})`);
          const local = path.join(ops.scratch, 'copy');
          // A file is staged, then placed on the stick (debugfs/mcopy): each counts for half its bytes.
          let staged = 0;
          const chunks = countChunks(iso.stream(file.isoPath, undefined, signal), (n) => {
            meter.advance(Math.floor((staged + n) / 2) - Math.floor(staged / 2));
            staged += n;
          });
          await pipeline(Readable.from(chunks), createWriteStream(local));
          await ops.putFile(file.path, local);
          meter.advance(file.size - Math.floor(staged / 2));
          await rm(local, { force: true });
          written.push(file.path);
        }
        step('making the overlay');
        enter('persist');
        if (plan.overlay?.kind === 'dm-snapshot') {
          log(`making the dm-snapshot overlay ${plan.overlay.path} (${formatBytes(plan.overlay.size)})`);
          await ops.putZeros(plan.overlay.path, plan.overlay.size);
        } else if (plan.overlay?.kind === 'overlayfs-dir') {
          await ops.mkdir(plan.overlay.path);
          await ops.mkdir(`/${dir}/ovlwork`);
        } else if (plan.overlay?.kind === 'overlayfs-image') {
          const local = path.join(ops.scratch, 'overlay.img');
          const handle = await open(local, 'w');
          await handle.truncate(plan.overlay.size);
          await handle.close();
          await makeOverlayFsImageInPlace(local, 0, plan.overlay.size);
          await ops.putImage(plan.overlay.path, local);
          await rm(local, { force: true });
        }
        if (plan.overlay) written.push(plan.overlay.path);
        meter.advance(placedOverlay);
        step('making home.img');
        if (plan.home) {
          log(`making ${plan.home.path} (${formatBytes(plan.home.size)})`);
          const local = path.join(ops.scratch, 'home.img');
          await makeHomeImageFile(local, plan.home.size, randomUUID());
          await ops.putImage(plan.home.path, local);
          await rm(local, { force: true });
          written.push(plan.home.path);
          meter.advance(plan.home.size);
        }
        step('rewriting the boot menus');
        enter('boot');
        await ops.putBytes(`/${dir}/${IMAGE_META_FILE}`, `${JSON.stringify(plan.meta, null, 2)}\n`);
        written.push(`/${dir}/${IMAGE_META_FILE}`);
        log('rewriting the boot menus');
        menus = await writeStickMenus(state, [...menuImages(state), { meta: plan.meta, overlay: plan.menuOverlay }], { liveOps: ops });
      } catch (error) {
        // Never half-done: what this add made goes again (the other images were not touched).
        await ops.remove(`/${dir}`).catch(() => undefined);
        if (menus.length > 0 || written.includes(`/${dir}/${IMAGE_META_FILE}`)) {
          await writeStickMenus(state, menuImages(state), { liveOps: ops }).catch(() => undefined);
        }
        // A tool killed by the same Ctrl-C failed because the user asked to stop.
        throw signal?.aborted && !(error instanceof StickwrightError && error.code === 'CANCELLED')
          ? new StickwrightError('CANCELLED', 'what this add made was removed; the stick is as it was', {}, { cause: error })
          : error;
      }
    });
  } finally {
    await iso.close();
  }
  enter('verify');
  const after = await readStickImages(request.stick);
  const added = after.images.find((i) => i.dir === dir);
  if (!added?.meta) throw new StickwrightError('VERIFY_FAILED', `/${dir} does not read back as a live image after adding it`);
  return { dir, name: plan.meta.name, files: written, menus, freeBefore: plan.freeBytes, freeAfter: after.report.live.freeBytes };
}

/** Passes the chunks through, telling `count` each one's length. */
async function* countChunks(chunks: AsyncIterable<Uint8Array>, count: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    count(chunk.length);
    yield chunk;
  }
}
