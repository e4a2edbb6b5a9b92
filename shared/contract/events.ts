// What the worker (and the engine inside the CLI) reports: NDJSON lines, one event each.
// Success is only ever an explicit `result` event; an exit status alone never means success.
import { z } from 'zod';
import { ErrorPayloadSchema } from './result';
import { JOB_PROTOCOL_VERSION } from './job';

const base = { v: z.literal(JOB_PROTOCOL_VERSION), jobId: z.string() };
/** Which target an event is about, when one run writes several (`write --target A --target B`). */
const target = { target: z.string().optional() };

export const PhaseName = z.enum([
  'preflight',
  'partition',
  'format',
  'copy',
  'persist',
  'boot',
  'flush',
  'verify',
  'inspect',
]);
export type PhaseName = z.infer<typeof PhaseName>;

export const PhaseEvent = z.strictObject({ ...base, ...target, type: z.literal('phase'), phase: PhaseName });
export const ProgressEvent = z.strictObject({
  ...base,
  ...target,
  type: z.literal('progress'),
  phase: PhaseName,
  bytesDone: z.number().int().nonnegative(),
  bytesTotal: z.number().int().nonnegative(),
  /** Bytes per second over the last few seconds. */
  speed: z.number().nonnegative(),
  /** Seconds left, or null while unknown. */
  eta: z.number().nonnegative().nullable(),
});
export const LogEvent = z.strictObject({
  ...base,
  ...target,
  type: z.literal('log'),
  level: z.enum(['debug', 'info', 'warn']),
  message: z.string(),
});
export const ResultEvent = z.strictObject({ ...base, type: z.literal('result'), value: z.unknown() });
export const ErrorEvent = z.strictObject({
  ...base,
  type: z.literal('error'),
  phase: PhaseName.nullable(),
  error: ErrorPayloadSchema,
});

export const WorkerEvent = z.discriminatedUnion('type', [PhaseEvent, ProgressEvent, LogEvent, ResultEvent, ErrorEvent]);
export type WorkerEvent = z.infer<typeof WorkerEvent>;

/** An event without its envelope (`v`, `jobId`), as the engine produces it. */
export type WorkerEventBody = WorkerEvent extends infer E ? (E extends WorkerEvent ? Omit<E, 'v' | 'jobId'> : never) : never;
