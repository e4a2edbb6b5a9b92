// Runs one validated Job and reports through a sink. Shared by the elevated worker (NDJSON on
// stdout) and by tests; the CLI calls the same engine functions directly.
import type { Job } from '../../../shared/contract/job';
import type { WorkerEvent, PhaseName } from '../../../shared/contract/events';
import { ERROR_CATALOG, StickwrightError, toErrorPayload } from '../../../shared/errors';
import { inspectIso } from '../inspect/inspectIso';

export type EventSink = (event: WorkerEvent) => void;

/** Runs the job; always ends with exactly one `result` or `error` event. Resolves to the exit code. */
export async function runJob(job: Job, emit: EventSink, signal: AbortSignal): Promise<number> {
  const common = { v: job.v, jobId: job.id } as const;
  let phase: PhaseName | null = null;
  const enter = (next: PhaseName) => {
    if (signal.aborted) throw new StickwrightError('CANCELLED', `before ${next}`);
    phase = next;
    emit({ ...common, type: 'phase', phase: next });
  };
  try {
    switch (job.kind) {
      case 'inspect': {
        enter('inspect');
        const report = await inspectIso(job.isoPath);
        emit({ ...common, type: 'result', value: report });
        return 0;
      }
      case 'write':
        throw new StickwrightError('BAD_REQUEST', 'write jobs are not run by the worker yet');
    }
  } catch (error) {
    const payload = toErrorPayload(error);
    emit({ ...common, type: 'error', phase, error: payload });
    return ERROR_CATALOG[payload.code].exitCode;
  }
}
