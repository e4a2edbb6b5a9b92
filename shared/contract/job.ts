// The Job the worker accepts on stdin: one JSON line, strictly validated (unknown keys refused).
// The worker never takes program names, shell text or environment from a job.
import { z } from 'zod';
import { WriteOptions } from '../plan/writeOptions';
import { JobId } from './writeRequest';

export const JOB_PROTOCOL_VERSION = 1;

const FilePath = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'NUL in path');

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
});

/** Read a stick's usage report (reading a device needs the worker's rights). */
export const UsageJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('usage'),
  stick: FilePath,
});

/** A live image's directory on the stick: one path component, no traversal. */
export const LiveDir = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a directory name of letters, digits, ".", "_" and "-"');

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

export const Job = z.discriminatedUnion('kind', [InspectJob, WriteJob, UsageJob, ResetOverlayJob, GrowOverlayJob]);
export type Job = z.infer<typeof Job>;

/** Messages the parent may send after the job, on the same stdin. */
export const Control = z.strictObject({ v: z.literal(JOB_PROTOCOL_VERSION), type: z.literal('cancel') });
export type Control = z.infer<typeof Control>;
