// Runs one validated Job and reports through a sink: the elevated worker's body (NDJSON on
// stdout). A write goes through the same guarded pipeline as the CLI's `write`; the multi-image
// jobs through the engine calls of `list`, `add` and `remove`.
import type { Job } from '../../../shared/contract/job';
import type { WorkerEvent, WorkerEventBody, PhaseName } from '../../../shared/contract/events';
import { ERROR_CATALOG, StickwrightError, toErrorPayload } from '../../../shared/errors';
import { inspectIso } from '../inspect/inspectIso';
import { readStickUsage } from '../usage/readStickUsage';
import { resetOverlay } from '../maintain/resetOverlay';
import { growOverlay } from '../maintain/growOverlay';
import type { WriteHooks } from '../write/writeStick';
import { asCancelled } from './asCancelled';
import { runWriteJob } from './writeJob';
import { addImageJob, listImagesJob, removeImageJob } from './imageJobs';
import { restoreJob, writeRawJob } from './rawJobs';
import type { ProgressSnapshot } from '../write/progressMeter';

export type EventSink = (event: WorkerEvent) => void;

/** Runs the job; always ends with exactly one `result` or `error` event. Resolves to the exit code. */
export async function runJob(job: Job, emit: EventSink, signal: AbortSignal): Promise<number> {
  const send = (body: WorkerEventBody) => emit({ v: job.v, jobId: job.id, ...body } as WorkerEvent);
  let phase: PhaseName | null = null;
  /** The engine saying where it is; its own cancel checks decide when to stop. */
  const announce = (next: PhaseName) => {
    if (next === phase) return; // the engine announcing a phase the job already opened
    phase = next;
    send({ type: 'phase', phase: next });
  };
  const enter = (next: PhaseName) => {
    if (signal.aborted) throw new StickwrightError('CANCELLED', `before ${next}`);
    announce(next);
  };
  const progress = (p: ProgressSnapshot) => send({ type: 'progress', phase: p.phase, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, speed: p.speed, eta: p.eta });
  try {
    switch (job.kind) {
      case 'inspect': {
        enter('inspect');
        const report = await inspectIso(job.isoPath);
        send({ type: 'result', value: report });
        return 0;
      }
      case 'write': {
        // The engine's progress meter already limits itself to ten events a second (and one at
        // each phase change), which is what a progress bar needs: events pass through as they are.
        const hooks: WriteHooks = { onPhase: announce, onProgress: progress, onLog: (message) => send({ type: 'log', level: 'info', message }) };
        enter('preflight');
        const result = await runWriteJob(job, hooks, signal, (message) => send({ type: 'log', level: 'warn', message }));
        send({ type: 'result', value: result });
        return 0;
      }
      case 'usage': {
        // Reading a whole stick needs the worker's rights; only metadata is read.
        const report = await readStickUsage(job.stick);
        send({ type: 'result', value: report });
        return 0;
      }
      case 'reset-overlay':
      case 'grow-overlay': {
        // Maintenance on a stick not in use; the answer is the stick's report afterwards.
        if (job.kind === 'reset-overlay') await resetOverlay({ stick: job.stick, dir: job.dir });
        else await growOverlay({ stick: job.stick, dir: job.dir, size: job.size });
        send({ type: 'result', value: await readStickUsage(job.stick) });
        return 0;
      }
      case 'list-images': {
        send({ type: 'result', value: await listImagesJob(job.stick) });
        return 0;
      }
      case 'add-image': {
        // Streamed like a write (the app shows its progress). The add checks the cancel itself and
        // removes what it made; once it is past its last change, a late cancel changes nothing.
        enter('preflight');
        const result = await addImageJob(job, { onPhase: announce, onProgress: progress }, signal, (message) => send({ type: 'log', level: 'info', message }));
        send({ type: 'result', value: result });
        return 0;
      }
      case 'remove-image': {
        send({ type: 'result', value: await removeImageJob(job) });
        return 0;
      }
      case 'write-raw': {
        // Raw mode's meter limits its own events, as the write's does.
        enter('preflight');
        const result = await writeRawJob(job, { onPhase: announce, onProgress: progress, onLog: (message) => send({ type: 'log', level: 'info', message }) }, signal);
        send({ type: 'result', value: result });
        return 0;
      }
      case 'restore': {
        enter('preflight');
        send({ type: 'result', value: await restoreJob(job, { onPhase: announce }, signal) });
        return 0;
      }
    }
  } catch (caught) {
    const error = signal.aborted && (job.kind === 'write' || job.kind === 'write-raw' || job.kind === 'restore') ? asCancelled(caught, job.target, phase) : caught;
    const payload = toErrorPayload(error);
    send({ type: 'error', phase, error: payload });
    return ERROR_CATALOG[payload.code].exitCode;
  }
}
