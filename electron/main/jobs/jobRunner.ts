// How main runs a job in the worker, as an interface, so the IPC handlers are tested with the real
// worker child (tests run as root: no elevation) and the app uses pkexec. launchWorker.ts is the
// real implementation.
import type { Job } from '../../../shared/contract/job';
import type { WorkerEvent } from '../../../shared/contract/events';

export interface RunningJob {
  readonly jobId: string;
  /** Ask the worker to stop at its next safe point (a control line on its stdin). */
  cancel(): void;
  /** Resolves once the worker has exited and every event has been delivered: the exit code. */
  readonly done: Promise<number>;
}

export interface JobRunner {
  /** Starts the worker on `job`; every event (already validated against WorkerEvent) goes to onEvent. */
  start(job: Job, onEvent: (event: WorkerEvent) => void): RunningJob;
}
