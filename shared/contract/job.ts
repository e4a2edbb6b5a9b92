// The Job the worker accepts on stdin: one JSON line, strictly validated (unknown keys refused).
// The worker never takes program names, shell text or environment from a job.
import { z } from 'zod';

export const JOB_PROTOCOL_VERSION = 1;

const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const FilePath = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'NUL in path');

export const InspectJob = z.strictObject({
  v: z.literal(JOB_PROTOCOL_VERSION),
  id: JobId,
  kind: z.literal('inspect'),
  isoPath: FilePath,
});

export const Job = z.discriminatedUnion('kind', [InspectJob]);
export type Job = z.infer<typeof Job>;

/** Messages the parent may send after the job, on the same stdin. */
export const Control = z.strictObject({ v: z.literal(JOB_PROTOCOL_VERSION), type: z.literal('cancel') });
export type Control = z.infer<typeof Control>;
