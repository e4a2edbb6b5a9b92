// The elevated entry point. Contract (see docs/ARCHITECTURE.md):
//   stdin:  one Job as a JSON line, then optional control lines ({"v":1,"type":"cancel"}).
//   stdout: NDJSON WorkerEvents, ending with exactly one `result` or `error`.
// EOF on stdin means the app went away: cancel at the next safe point. No sockets, no shell,
// no environment: pkexec gives us a minimal environment and only fds 0-2 anyway.
import { createInterface } from 'node:readline';
import { Job, Control } from '../../shared/contract/job';
import type { WorkerEvent } from '../../shared/contract/events';
import { EXIT, StickwrightError, toErrorPayload } from '../../shared/errors';
import { runJob } from '../engine/jobs/runJob';

const MAX_LINE = 64 * 1024;

function emit(event: WorkerEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Without a valid job there is no job id to attach: jobId is empty. */
function refuse(detail: string): number {
  emit({ v: 1, jobId: '', type: 'error', phase: null, error: toErrorPayload(new StickwrightError('BAD_REQUEST', detail)) });
  return EXIT.USAGE;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const abort = new AbortController();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();

  const first = await iterator.next();
  if (first.done) return refuse('no job on stdin');
  if (first.value.length > MAX_LINE) return refuse('the job line is too long');
  const parsed = parseJson(first.value);
  if (parsed === undefined) return refuse('the job is not JSON');
  const job = Job.safeParse(parsed);
  if (!job.success) return refuse(`the job does not match the schema: ${job.error.issues[0]?.message ?? 'invalid'}`);

  // Control lines after the job; EOF means the parent died or closed the pipe.
  void (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return abort.abort(new Error('stdin closed'));
      const control = Control.safeParse(parseJson(next.value));
      if (control.success && control.data.type === 'cancel') abort.abort(new Error('cancel requested'));
    }
  })();

  return runJob(job.data, emit, abort.signal);
}

main().then(
  // stdout is a pipe: let it drain before leaving, or the last event could be lost (pipes are
  // asynchronous on Windows).
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    emit({ v: 1, jobId: '', type: 'error', phase: null, error: toErrorPayload(error) });
    process.stdout.write('', () => process.exit(EXIT.INTERNAL));
  },
);
