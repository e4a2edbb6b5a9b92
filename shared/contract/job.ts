// The Job the worker accepts on stdin: one JSON line, strictly validated (unknown keys refused).
// The worker never takes program names, shell text or environment from a job.
import { z } from 'zod';
import { WriteOptions } from '../plan/writeOptions';
import { JobId } from './writeRequest';
import { LiveDir } from './liveDir';
import { ImageName } from './multiImage';

export const JOB_PROTOCOL_VERSION = 1;

/** No NUL and no control characters (a newline in a path is only ever an attack or an accident). */
const FilePath = z.string().min(1).max(4096).refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'NUL or a control character in path');

export const InspectJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('inspect'),
  isoPath: FilePath,
});

/** A persistent-stick write; the worker resolves and checks the target again itself. */
export const WriteJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('write'),
  isoPath: FilePath,
  target: FilePath,
  /** Refuse a target whose size differs from what the user chose (a swapped stick). */
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  options: WriteOptions,
  passphrase: z.string().min(1).max(1024).optional(),
  verify: z.boolean(),
  /** The user agreed to have the target's mounted filesystems unmounted (never implied). */
  unmount: z.boolean().optional(),
});

/** Read a stick's usage report (reading a device needs the worker's rights). */
export const UsageJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('usage'),
  stick: FilePath,
});

export { LiveDir };

/** Discard an image's system changes (its overlay starts fresh); home is kept. */
export const ResetOverlayJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('reset-overlay'),
  stick: FilePath,
  dir: LiveDir,
});

/** Grow an image's dm-snapshot overlay to `size` bytes; every change is kept. */
export const GrowOverlayJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('grow-overlay'),
  stick: FilePath,
  dir: LiveDir,
  size: z.number().int().positive().max(2 ** 46),
});

/** The images on a stick with their names (and its usage report). */
export const ListImagesJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('list-images'),
  stick: FilePath,
});

/** One more live image on a written stick, in its own directory; the others are not touched. */
export const AddImageJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('add-image'),
  isoPath: FilePath,
  stick: FilePath,
  /** Refuse a stick whose size differs from what the user chose (a swapped stick). */
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  overlaySize: z.number().int().nonnegative().max(2 ** 46),
  homeSize: z.number().int().nonnegative().max(2 ** 46),
  name: ImageName.optional(),
});

/** One live image off a stick with several (its overlay and home go with it). */
export const RemoveImageJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('remove-image'),
  stick: FilePath,
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  dir: LiveDir,
  /** The live filesystem UUID the person saw; null skips the check (a filesystem without one). */
  liveUuid: z.string().max(64).nullable(),
});

/** Raw mode: any image byte for byte onto one target, read back after (engine/raw/writeRaw.ts). */
export const WriteRawJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('write-raw'),
  imagePath: FilePath,
  target: FilePath,
  /** Refuse a target whose size differs from what the user chose (a swapped stick). */
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  verify: z.boolean(),
  /** The user agreed to have the target's mounted filesystems unmounted (never implied). */
  unmount: z.boolean().optional(),
});

export const RestoreFs = z.enum(['fat32', 'exfat']);
export type RestoreFs = z.infer<typeof RestoreFs>;
/** Letters, digits, "-", "_" and inner spaces; the engine checks the per-filesystem length again. */
export const RestoreLabel = z.string().min(1).max(15).regex(/^[A-Za-z0-9_-](?:[A-Za-z0-9 _-]*[A-Za-z0-9_-])?$/);

/** A stick back to a plain drive: one FAT32 or exFAT partition (engine/restore/restoreStick.ts). */
export const RestoreJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('restore'),
  target: FilePath,
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  fs: RestoreFs,
  label: RestoreLabel,
});

export const Job = z.discriminatedUnion('kind', [InspectJob, WriteJob, UsageJob, ResetOverlayJob, GrowOverlayJob, ListImagesJob, AddImageJob, RemoveImageJob, WriteRawJob, RestoreJob]);
export type Job = z.infer<typeof Job>;

/** Messages the parent may send after the job, on the same stdin. */
export const Control = z.strictObject({ v: z.literal(JOB_PROTOCOL_VERSION), type: z.literal('cancel') });
export type Control = z.infer<typeof Control>;
