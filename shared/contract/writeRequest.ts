// What the renderer asks main to write, and what the worker answers when it is done. The job the
// worker reads (job.ts) is built from this by main; the worker validates it again itself.
import { z } from 'zod';
import { WriteOptions } from '../plan/writeOptions';
import { DevicePath } from './drive';

export const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const WriteRequest = z.strictObject({
  isoPath: z.string().min(1).max(4096).refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'NUL or a control character in path'),
  device: DevicePath,
  /** The size the user saw when choosing: the worker refuses a target of another size (a swapped stick). */
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  options: WriteOptions,
  /** For an encrypted home only; travels over the worker's stdin, never argv or the environment. */
  passphrase: z.string().min(1).max(1024).optional(),
  /** Read back and fsck what was written (default on). */
  verify: z.boolean().default(true),
  /** The user agreed, after seeing them named, to unmount the drive's mounted filesystems first;
   *  without it a mounted drive is refused (TARGET_MOUNTED). Never implied by anything else. */
  unmount: z.boolean().optional(),
});
export type WriteRequest = z.infer<typeof WriteRequest>;
export type WriteRequestInput = z.input<typeof WriteRequest>;

/** The `result` event's value for a write job. */
export const WriteJobResult = z.object({
  target: z.string(),
  targetKind: z.enum(['file', 'block']),
  elapsedMs: z.number().nonnegative(),
  /** The plan carried out (StickPlan); typed loosely here, the engine is its source of truth. */
  plan: z.record(z.string(), z.unknown()),
  /** What the verify phase read back and found identical; null when the job asked for no verify. */
  verified: z.object({ bytes: z.number().nonnegative(), ranges: z.number().int().nonnegative(), direct: z.boolean() }).nullable().optional(),
  /** The ISO matched its publisher's checksum before the write; null when none was found or given. */
  sourceChecksum: z.object({ algorithm: z.enum(['sha256', 'sha512']), source: z.string(), hex: z.string() }).nullable().optional(),
});
export type WriteJobResult = z.infer<typeof WriteJobResult>;
