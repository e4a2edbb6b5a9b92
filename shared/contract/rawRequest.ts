// Raw mode and restore, as the renderer asks main for them and as the worker answers. The jobs
// the worker reads (job.ts: write-raw, restore) are built from these by main, for a drive main
// listed; the worker checks the target again itself.
import { z } from 'zod';
import { DevicePath } from './drive';
import { RestoreFs, RestoreLabel } from './job';

const ImagePath = z.string().min(1).max(4096).refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'NUL or a control character in path');

export const RawWriteRequest = z.strictObject({
  imagePath: ImagePath,
  device: DevicePath,
  /** The size the user saw when choosing: another size is another stick (TARGET_CHANGED). */
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  /** Read every byte back and compare (default on). */
  verify: z.boolean().default(true),
  /** The user agreed, after seeing them named, to unmount the drive's mounted filesystems first. */
  unmount: z.boolean().optional(),
});
export type RawWriteRequest = z.infer<typeof RawWriteRequest>;
export type RawWriteRequestInput = z.input<typeof RawWriteRequest>;

export const RestoreRequest = z.strictObject({
  device: DevicePath,
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  fs: RestoreFs,
  label: RestoreLabel,
});
export type RestoreRequest = z.infer<typeof RestoreRequest>;

/** The `result` event's value for a write-raw job (one target). */
export const RawWriteJobResult = z.object({
  target: z.string(),
  image: z.object({ path: z.string(), compression: z.string(), entry: z.string().nullable(), fileBytes: z.number().nonnegative(), bytes: z.number().nonnegative() }),
  bytesWritten: z.number().nonnegative(),
  /** What the read-back found identical; null when the job asked for no verify. */
  verified: z.object({ bytes: z.number().nonnegative(), ranges: z.number().int().nonnegative(), direct: z.boolean() }).nullable(),
  elapsedMs: z.number().nonnegative(),
});
export type RawWriteJobResult = z.infer<typeof RawWriteJobResult>;

/** The `result` event's value for a restore job. */
export const RestoreJobResult = z.object({
  target: z.string(),
  targetKind: z.enum(['file', 'block']),
  fs: RestoreFs,
  label: z.string(),
  partition: z.object({ start: z.number().nonnegative(), size: z.number().nonnegative(), type: z.number().int() }),
  /** fsck's last line, read-only. */
  fsck: z.string(),
  elapsedMs: z.number().nonnegative(),
});
export type RestoreJobResult = z.infer<typeof RestoreJobResult>;
