// Which way an image goes onto a stick, chosen for the person from what inspect found: a live
// image Stickwright can add persistence to is written in persistent mode; anything else that can
// still boot from a stick (a hybrid ISO without a known live layout, a disk image) is written as
// is, byte for byte (raw mode). The person can always choose raw mode for a live image too.
import type { IsoReport } from '../../shared/contract/isoReport';
import type { ErrorPayload } from '../../shared/errors';
import type { Drive } from '../../shared/contract/drive';
import type { PlanProblem } from '../../shared/plan/stickPlan';
import { formatBytes } from '../../shared/units';

export type WriteMode = 'persistent' | 'raw';

export interface ModeChoice {
  /** The mode picked from the image. */
  readonly auto: WriteMode;
  /** Why, in words a person reads. */
  readonly reason: string;
  /** Persistent mode is possible (so raw mode is an override the person may choose). */
  readonly canPersist: boolean;
}

/** Files written as is even though they are not ISOs: disk images, plain or compressed. */
export const RAW_IMAGE_SUFFIXES = ['.img', '.raw', '.img.xz', '.img.gz', '.img.zst', '.img.bz2', '.iso.xz', '.iso.gz', '.iso.zst', '.iso.bz2', '.xz', '.gz', '.zst', '.bz2', '.zip'] as const;

/** The suffix that makes `path` a disk image, or null. */
export function rawImageSuffix(path: string): string | null {
  const lower = path.toLowerCase();
  return RAW_IMAGE_SUFFIXES.find((s) => lower.endsWith(s)) ?? null;
}

/**
 * The mode for the chosen file, or null when it cannot be written at all (inspect failed for
 * another reason than "not an ISO", or a non-ISO file that is no disk image we know).
 * `problems` are the planner's problems with the image alone (family, boot loaders).
 */
export function chooseMode(path: string | null, report: IsoReport | null, error: ErrorPayload | null, problems: readonly PlanProblem[]): ModeChoice | null {
  if (!path) return null;
  if (report) {
    if (problems.length === 0) {
      return { auto: 'persistent', reason: 'A live image Stickwright can add persistence to: your changes and files can be kept on the stick.', canPersist: true };
    }
    const family = report.layout.family;
    if (family === 'raw-only') {
      return {
        auto: 'raw',
        reason: 'This image has no Linux live layout to add persistence to, but it is made to boot from a USB stick (a hybrid image): it will be written as is, byte for byte.',
        canPersist: false,
      };
    }
    if (family === 'unknown') {
      return {
        auto: 'raw',
        reason: 'Stickwright does not recognise this image’s layout and it has no partition table for USB booting, so it may not start from a stick; it can only be written as is, byte for byte.',
        canPersist: false,
      };
    }
    const why = problems[0]?.message ?? 'persistence is not available for it';
    return { auto: 'raw', reason: `Persistence is not available for this image (${why.replace(/\.$/, '')}); it will be written as is, byte for byte.`, canPersist: false };
  }
  if (error?.code === 'SOURCE_NOT_ISO9660') {
    const suffix = rawImageSuffix(path);
    if (suffix) return { auto: 'raw', reason: `Not an ISO but a disk image (${suffix}): it will be written as is, byte for byte${suffix.endsWith('.img') || suffix === '.raw' ? '' : ', decompressed on the way'}.`, canPersist: false };
  }
  return null;
}

/** The mode in effect: the one picked, or raw when the person chose it for a live image. */
export function effectiveMode(choice: ModeChoice | null, rawChosen: boolean): WriteMode | null {
  if (!choice) return null;
  return choice.auto === 'raw' || rawChosen ? 'raw' : 'persistent';
}

/** Why `drive` cannot take the image as is, or null (also when the size is known only to the worker). */
export function rawTooSmallReason(report: IsoReport | null, drive: Drive): PlanProblem | null {
  if (!report || report.fileSize <= drive.size) return null;
  return {
    code: 'TARGET_TOO_SMALL',
    message: `the image is ${formatBytes(report.fileSize)}, the drive ${formatBytes(drive.size)}.`,
    data: { targetBytes: drive.size, imageBytes: report.fileSize },
  };
}
