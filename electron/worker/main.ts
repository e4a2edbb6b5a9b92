// The elevated entry point. Contract (see docs/ARCHITECTURE.md):
//   stdin:  one Job as a JSON line, then optional control lines ({"v":1,"type":"cancel"}).
//   stdout: NDJSON WorkerEvents, ending with exactly one `result` or `error`.
// A job is cancelled at the next safe point by a cancel line, by EOF on stdin or a broken stdout
// (the app went away), and by SIGTERM, SIGINT or SIGHUP; the engine cleans up (loop devices,
// child programs, staging) and the last event is still the CANCELLED error, with the target's
// state. No sockets, no shell, no environment: pkexec gives us a minimal environment and only
// fds 0-2 anyway.
import { Job, Control } from '../../shared/contract/job';
import type { WorkerEvent } from '../../shared/contract/events';
import { ERROR_CATALOG, EXIT, StickwrightError, toErrorPayload } from '../../shared/errors';
import { runJob } from '../engine/jobs/runJob';
import { boundedLines, TOO_LONG } from './boundedLines';

/** A job is a few hundred bytes; nothing a parent sends may make us hold more than this. */
const MAX_LINE = 64 * 1024;
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** stdout broke (EPIPE: the app is gone); nothing more can be said there. */
let stdoutBroken = false;

function emit(event: WorkerEvent): void {
  if (stdoutBroken) return;
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
  let jobId = '';
  const warn = (message: string) => {
    if (jobId) emit({ v: 1, jobId, type: 'log', level: 'warn', message });
  };
  const cancel = (why: string) => {
    if (abort.signal.aborted) return;
    warn(`${why}: stopping at the next safe point`);
    abort.abort(new StickwrightError('CANCELLED', why));
  };
  // The listeners stay installed until we exit: execa's signal-exit re-raises a signal when it
  // sees no other listener, which a `process.once` listener (gone once it fired) would let it do —
  // killing us in the middle of the cleanup.
  for (const name of STOP_SIGNALS) {
    process.on(name, () => {
      if (abort.signal.aborted) warn(`${name}: still stopping; the target is being left in a known state`);
      cancel(name);
    });
  }
  // Without a listener a broken pipe is an uncaught 'error': a crash in mid-write.
  process.stdout.on('error', () => {
    stdoutBroken = true;
    cancel('the event pipe was closed');
  });
  process.stdin.on('error', () => cancel('stdin failed'));

  const lines = boundedLines(process.stdin, MAX_LINE)[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => abort.signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
  const first = await Promise.race([lines.next(), aborted]);
  if (first === 'aborted') {
    const payload = toErrorPayload(new StickwrightError('CANCELLED', `${String((abort.signal.reason as Error).message)} before a job arrived; nothing was done`, { targetTouched: false }));
    emit({ v: 1, jobId: '', type: 'error', phase: null, error: payload });
    return ERROR_CATALOG.CANCELLED.exitCode;
  }
  if (first.done) return refuse('no job on stdin');
  if (first.value === TOO_LONG) return refuse(`the job line is longer than ${MAX_LINE} bytes`);
  const parsed = parseJson(first.value);
  if (parsed === undefined) return refuse('the job is not JSON');
  const job = Job.safeParse(parsed);
  if (!job.success) {
    const issue = job.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return refuse(`the job does not match the schema${where}: ${issue?.message ?? 'invalid'}`);
  }
  jobId = job.data.id;

  // Control lines after the job; EOF means the parent died or closed the pipe.
  void (async () => {
    for (;;) {
      const next = await lines.next().catch(() => ({ done: true as const, value: undefined }));
      if (next.done) return cancel('stdin closed (the app went away)');
      if (next.value === TOO_LONG) continue;
      const control = Control.safeParse(parseJson(next.value));
      if (control.success && control.data.type === 'cancel') cancel('cancel requested');
    }
  })();

  return runJob(job.data, emit, abort.signal);
}

function exit(code: number): void {
  // stdout is a pipe: let it drain before leaving, or the last event could be lost (pipes are
  // asynchronous on Windows). A broken pipe has nothing left to drain.
  if (stdoutBroken) process.exit(code);
  process.stdout.write('', () => process.exit(code));
}

main().then(exit, (error: unknown) => {
  emit({ v: 1, jobId: '', type: 'error', phase: null, error: toErrorPayload(error) });
  exit(EXIT.INTERNAL);
});
