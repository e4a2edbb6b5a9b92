// An add as the page plans it: the shared planner and addFootprint over the ISO's report and the
// stick's live filesystem, so the size sliders stop where the worker's own check (planAdd) would
// refuse, and the review shows the bytes it will count. The worker checks everything again.
import type { IsoReport } from '../../shared/contract/isoReport';
import type { StickImageList } from '../../shared/contract/multiImage';
import { StickwrightError } from '../../shared/errors';
import { ADD_IGNORED_PROBLEMS, addImageFiles, addImageName, addNeedBytes, overlayBytes } from '../../shared/plan/addFootprint';
import { planWrite } from '../../shared/plan/planWrite';
import type { PersistencePlan, PlanProblem } from '../../shared/plan/stickPlan';
import { formatBytes, GiB } from '../../shared/units';
import { largestFitting, PLACEHOLDER_IDS, SIZE_STEP } from '../lib/planning';

/** What of the stick an add depends on: its live filesystem and the room left on it. */
export interface StickRoom {
  readonly fs: 'ext4' | 'vfat' | 'f2fs';
  readonly label: string | null;
  readonly freeBytes: number;
}

export interface AddSizes {
  readonly overlaySize: number;
  readonly homeSize: number;
}

export interface AddEstimate {
  /** The menu title it gets unless another is asked for (the engine's own choice). */
  readonly defaultName: string;
  /** Root image, kernel and initrd as copied. */
  readonly imageBytes: number;
  readonly overlayBytes: number;
  readonly homeBytes: number;
  /** Free bytes the add needs (files in whole units, the margin kept free). */
  readonly needBytes: number;
  readonly freeBytes: number;
  readonly persistence: PersistencePlan['kind'];
  readonly notes: readonly string[];
}

export type AddEstimateResult = { readonly ok: true; readonly estimate: AddEstimate } | { readonly ok: false; readonly problems: readonly PlanProblem[] };

export function stickRoom(list: StickImageList): StickRoom {
  const { live } = list.report;
  return { fs: live.fs, label: live.label, freeBytes: live.freeBytes };
}

/** Why no image can be added to this stick at all, or null. */
export function cannotAddReason(room: StickRoom): PlanProblem | null {
  if (room.fs !== 'f2fs') return null;
  // engine/multi/addImage.ts refuses F2FS the same way: nothing could remove the files again.
  return { code: 'MULTI_NOT_POSSIBLE', message: 'This stick’s live filesystem is F2FS: Stickwright cannot add or remove images on it offline. Write the stick with ext4 or FAT to keep several images.', data: {} };
}

/** `taken`: the names of the images on the stick (a new one is made different from them). */
export function estimateAdd(report: IsoReport, room: StickRoom, sizes: AddSizes, taken: readonly string[] = []): AddEstimateResult {
  const refused = cannotAddReason(room);
  if (refused) return { ok: false, problems: [refused] };
  const options = { fs: room.fs, overlaySize: sizes.overlaySize, overlayKind: 'auto' as const, homeSize: sizes.homeSize, encryptHome: false, label: room.label ?? 'LIVE' };
  const result = planWrite(report, 2 ** 45, options, PLACEHOLDER_IDS);
  if (!result.ok) {
    const problems = result.problems.filter((p) => !ADD_IGNORED_PROBLEMS.has(p.code));
    return { ok: false, problems: problems.length > 0 ? problems : result.problems };
  }
  let added;
  try {
    added = addImageFiles(report, result.plan, 'new');
  } catch (error) {
    if (error instanceof StickwrightError) return { ok: false, problems: [{ code: error.code, message: error.detail ?? error.message, data: error.data }] };
    throw error;
  }
  const { files, entry } = added;
  const overlay = overlayBytes(result.plan.persistence, sizes.overlaySize);
  const needBytes = addNeedBytes(files, overlay, sizes.homeSize);
  if (needBytes > room.freeBytes) {
    const short = needBytes - room.freeBytes;
    return {
      ok: false,
      problems: [
        {
          code: 'TARGET_TOO_SMALL',
          message: `Adding it needs ${formatBytes(needBytes)} free on the stick; it has ${formatBytes(room.freeBytes)}: ${formatBytes(short)} short. Choose a smaller overlay or home, or remove an image first.`,
          data: { needBytes, haveBytes: room.freeBytes, shortBy: short },
        },
      ],
    };
  }
  return {
    ok: true,
    estimate: {
      // The directory is drawn by the worker; it only shows in a name when the label clashes too.
      defaultName: addImageName(entry.title, report.volume.label, taken, 'new directory'),
      imageBytes: files.reduce((sum, f) => sum + f.size, 0),
      overlayBytes: overlay,
      homeBytes: sizes.homeSize,
      needBytes,
      freeBytes: room.freeBytes,
      persistence: result.plan.persistence.kind,
      notes: result.plan.notes,
    },
  };
}

/** Problems a smaller size would solve: the bounds of the sliders. */
const SIZE_CODES = new Set(['TARGET_TOO_SMALL', 'VFAT_FILE_TOO_LARGE']);
const fits = (result: AddEstimateResult) => result.ok || result.problems.every((p) => !SIZE_CODES.has(p.code));

/** How large the overlay may be with the home as chosen, and the other way round. */
export function addSizeBounds(report: IsoReport, room: StickRoom, sizes: AddSizes): { maxOverlay: number; maxHome: number } {
  return {
    maxOverlay: largestFitting((bytes) => fits(estimateAdd(report, room, { ...sizes, overlaySize: bytes })), room.freeBytes),
    maxHome: largestFitting((bytes) => fits(estimateAdd(report, room, { ...sizes, homeSize: bytes })), room.freeBytes),
  };
}

/** Sizes to start from: half the room for the overlay, half of what is left for home (each ≤ 2 GiB). */
export function defaultAddSizes(report: IsoReport, room: StickRoom): AddSizes {
  const roundDown = (bytes: number) => Math.floor(bytes / SIZE_STEP) * SIZE_STEP;
  const overlaySize = Math.min(2 * GiB, roundDown(addSizeBounds(report, room, { overlaySize: 0, homeSize: 0 }).maxOverlay / 2));
  const homeSize = Math.min(2 * GiB, roundDown(addSizeBounds(report, room, { overlaySize, homeSize: 0 }).maxHome / 2));
  return { overlaySize, homeSize: homeSize >= SIZE_STEP ? homeSize : 0 };
}
