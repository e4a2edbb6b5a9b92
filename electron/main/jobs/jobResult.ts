// A short job (usage) run to its end: its result value, or its error as a StickwrightError, so an
// IPC handler can simply await it. Long jobs (write) stream their events to the renderer instead.
import type { Job } from '../../../shared/contract/job';
import type { WorkerEvent } from '../../../shared/contract/events';
import { StickwrightError } from '../../../shared/errors';
import type { JobRunner } from './jobRunner';

export async function jobResult(jobs: JobRunner, job: Job): Promise<unknown> {
  let terminal: WorkerEvent | null = null;
  const running = jobs.start(job, (event) => {
    if (event.type === 'result' || event.type === 'error') terminal = event;
  });
  await running.done;
  const end = terminal as WorkerEvent | null;
  if (end?.type === 'result') return end.value;
  if (end?.type === 'error') throw new StickwrightError(end.error.code, end.error.detail ?? undefined, end.error.data);
  throw new StickwrightError('WORKER_FAILED', `the ${job.kind} job ended without a result`);
}
