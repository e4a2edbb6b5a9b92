// The shared planner as the wizard uses it: fixed placeholder ids (the worker draws the real ones
// and plans again), the options a person has chosen, and the largest sizes that still fit.
import type { IsoReport } from '../../shared/contract/isoReport';
import type { Drive } from '../../shared/contract/drive';
import { planWrite } from '../../shared/plan/planWrite';
import type { PlanProblem, PlanResult } from '../../shared/plan/stickPlan';
import type { StickFilesystem, StickIds, WriteOptions } from '../../shared/plan/writeOptions';
import { MiB } from '../../shared/units';

/** Planning in the page needs ids; these are never written (the worker draws its own). */
export const PLACEHOLDER_IDS: StickIds = {
  fsUuid: '00000000-0000-4000-8000-000000000001',
  liveVolumeId: '00000001',
  espVolumeId: '00000002',
  diskSignature: '00000003',
  homeUuid: '00000000-0000-4000-8000-000000000004',
};

/** Sliders move in 16 MiB steps: the planner's smallest useful overlay and home. */
export const SIZE_STEP = 16 * MiB;
/** Above this a "stick" is more likely a backup disk: say so. */
export const LARGE_DRIVE = 128e9;

export interface Choices {
  readonly fs: StickFilesystem;
  readonly overlaySize: number;
  readonly homeSize: number;
  /** The OverlayFS checkbox; the image may force it (see needsOverlayFs). */
  readonly overlayFs: boolean;
  readonly encryptHome: boolean;
}

/** The WriteOptions the choices stand for. */
export function toWriteOptions(c: Choices): WriteOptions {
  return {
    fs: c.fs,
    overlaySize: c.overlaySize,
    overlayKind: c.overlaySize > 0 && c.overlayFs ? 'overlayfs' : 'auto',
    homeSize: c.homeSize,
    encryptHome: c.homeSize > 0 && c.encryptHome,
    label: 'LIVE',
  };
}

export function plan(report: IsoReport, targetSize: number, c: Choices): PlanResult {
  return planWrite(report, targetSize, toWriteOptions(c), PLACEHOLDER_IDS);
}

/** The image holds its root filesystem directly (flat): dracut can only overlay it with OverlayFS. */
export function needsOverlayFs(report: IsoReport): boolean {
  return report.layout.rootImage?.contents !== 'nested-rootfs' || !report.layout.persistence.includes('dm-snapshot');
}

/** Problems that depend on the sizes chosen (the sliders' bounds), not on other choices. */
const SIZE_CODES = new Set(['TARGET_TOO_SMALL', 'VFAT_FILE_TOO_LARGE']);

function fitsSizes(result: PlanResult): boolean {
  return result.ok || result.problems.every((p) => !SIZE_CODES.has(p.code));
}

/**
 * The largest multiple of SIZE_STEP for which `fits` holds, by binary search; 0 when none does.
 * `fits` must be monotone (true up to some size, false above), as the planner's size checks are.
 */
export function largestFitting(fits: (bytes: number) => boolean, upperBytes: number): number {
  let lo = 0;
  let hi = Math.floor(upperBytes / SIZE_STEP);
  if (!fits(SIZE_STEP)) return 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid * SIZE_STEP)) lo = mid;
    else hi = mid - 1;
  }
  return lo * SIZE_STEP;
}

/** How large the overlay may be with the home as chosen (and the other way round). */
export function sizeBounds(report: IsoReport, targetSize: number, c: Choices): { maxOverlay: number; maxHome: number } {
  return {
    maxOverlay: largestFitting((bytes) => fitsSizes(plan(report, targetSize, { ...c, overlaySize: bytes })), targetSize),
    maxHome: largestFitting((bytes) => fitsSizes(plan(report, targetSize, { ...c, homeSize: bytes })), targetSize),
  };
}

/** Why a drive cannot take this image even with the smallest persistence, or null when it can. */
export function tooSmallReason(report: IsoReport, drive: Drive, fs: StickFilesystem): PlanProblem | null {
  const result = plan(report, drive.size, { fs, overlaySize: SIZE_STEP, homeSize: 0, overlayFs: false, encryptHome: false });
  if (result.ok) return null;
  return result.problems.find((p) => p.code === 'TARGET_TOO_SMALL') ?? null;
}

/** Sensible sizes for a newly chosen drive: half the room for the overlay, a quarter for home (≤ 4 GiB each). */
export function defaultSizes(report: IsoReport, targetSize: number, c: Choices): { overlaySize: number; homeSize: number } {
  const cap = 4096 * MiB;
  const roundDown = (bytes: number) => Math.floor(bytes / SIZE_STEP) * SIZE_STEP;
  const { maxOverlay } = sizeBounds(report, targetSize, { ...c, homeSize: 0 });
  const overlaySize = Math.min(cap, roundDown(maxOverlay / 2));
  const { maxHome } = sizeBounds(report, targetSize, { ...c, overlaySize });
  const homeSize = Math.min(cap, roundDown(maxHome / 2));
  return { overlaySize, homeSize: homeSize >= SIZE_STEP ? homeSize : 0 };
}

/** Device names and models are shown cleaned: no control or bidirectional-override characters (T7). */
export function cleanForDisplay(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
}
