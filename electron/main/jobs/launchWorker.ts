// Starts the engine's worker for one job and relays its NDJSON events. The job goes over the
// child's stdin (never argv or the environment: pkexec clears the environment, and argv is
// visible to every user); events come back on its stdout. No socket, no port.
//
//   already root (tests, CI, `sudo stickwright-app`)   node|electron-as-node dist/worker.js
//   Linux, not root                                     pkexec <the worker wrapper> (polkit policy
//                                                       org.stickwright.worker in assets/linux)
import { execa } from 'execa';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { WorkerEvent } from '../../../shared/contract/events';
import { JOB_PROTOCOL_VERSION, type Job } from '../../../shared/contract/job';
import { StickwrightError, toErrorPayload } from '../../../shared/errors';
import type { JobRunner, RunningJob } from './jobRunner';

/** Where the packaged app installs the wrapper the polkit action names (assets/linux). */
export const PACKAGED_WORKER_WRAPPER = '/opt/Stickwright/resources/bin/stickwright-worker';

export interface WorkerCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export interface WorkerRunnerOptions {
  readonly packaged: boolean;
  /** The directory that holds worker.js (dist/ in development). */
  readonly appDir: string;
  /** Overrides how the worker is started (tests). */
  readonly command?: WorkerCommand;
}

/** The worker's whole environment when we start it ourselves (as root): nothing of ours is passed on,
 *  so NODE_OPTIONS, LD_PRELOAD, NODE_PATH and the like cannot reach a root process (T25). */
export const WORKER_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
export function workerEnvironment(): NodeJS.ProcessEnv {
  return { PATH: WORKER_PATH, LANG: 'C.UTF-8', ELECTRON_RUN_AS_NODE: '1' };
}

/** What pkexec itself may see: what it needs to find the display for its password dialog. pkexec
 *  clears the environment of the program it starts anyway; we still pass nothing else. */
const PKEXEC_KEEP = ['DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'XDG_RUNTIME_DIR', 'DBUS_SESSION_BUS_ADDRESS'] as const;
export function pkexecEnvironment(parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: WORKER_PATH, LANG: 'C.UTF-8' };
  for (const key of PKEXEC_KEEP) {
    const value = parent[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** How to start the worker with the rights it needs, or why it cannot be. */
export function workerCommand(options: WorkerRunnerOptions, uid = process.getuid?.() ?? -1): WorkerCommand {
  if (options.command) return options.command;
  const script = path.join(options.appDir, 'worker.js');
  // Inside Electron, process.execPath is the Electron binary; ELECTRON_RUN_AS_NODE makes it Node.
  if (uid === 0) return { file: process.execPath, args: [script], env: workerEnvironment() };
  if (process.platform === 'linux') {
    if (options.packaged) return { file: 'pkexec', args: [PACKAGED_WORKER_WRAPPER], env: pkexecEnvironment() };
    // Development: pkexec's generic "run a program as root" action; it clears the environment,
    // so the Node switch goes through env(1).
    // (Development only: the packaged app never hands env(1) or a shell to pkexec.)
    return { file: 'pkexec', args: ['env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, script], env: pkexecEnvironment() };
  }
  throw new StickwrightError('PLATFORM_NOT_SUPPORTED', `starting the elevated worker on ${process.platform}`);
}

export function workerRunner(options: WorkerRunnerOptions): JobRunner {
  return {
    start(job: Job, onEvent: (event: WorkerEvent) => void): RunningJob {
      let ended = false;
      const fail = (detail: string) => {
        if (ended) return;
        ended = true;
        onEvent({ v: JOB_PROTOCOL_VERSION, jobId: job.id, type: 'error', phase: null, error: toErrorPayload(new StickwrightError('WORKER_FAILED', detail)) });
      };
      let command: WorkerCommand;
      try {
        command = workerCommand(options);
      } catch (error) {
        const payload = toErrorPayload(error);
        queueMicrotask(() => {
          ended = true;
          onEvent({ v: JOB_PROTOCOL_VERSION, jobId: job.id, type: 'error', phase: null, error: payload });
        });
        return { jobId: job.id, cancel: () => {}, done: Promise.resolve(payload.code === 'PLATFORM_NOT_SUPPORTED' ? 2 : 70) };
      }
      const child = execa(command.file, [...command.args], { env: command.env, extendEnv: false, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-4000);
      });
      if (!child.stdout || !child.stdin) throw new Error('the worker has no pipes');
      const stdin = child.stdin;
      const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
      const linesDone = new Promise<void>((resolve) => lines.once('close', resolve));
      lines.on('line', (line) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return; // not ours (a tool that wrote to stdout); the worker's own lines are JSON
        }
        const event = WorkerEvent.safeParse(parsed);
        if (!event.success || (event.data.jobId !== job.id && event.data.jobId !== '')) return;
        if (ended) return;
        if (event.data.type === 'result' || event.data.type === 'error') ended = true;
        onEvent({ ...event.data, jobId: job.id });
      });
      // The pipe may close under us (the worker died): ignore EPIPE, the exit tells the story.
      stdin.on('error', () => {});
      stdin.write(`${JSON.stringify(job)}\n`);
      const done = new Promise<number>((resolve) => {
        void child.then((outcome) => {
          const code = outcome.exitCode ?? null;
          const signal = outcome.signal ?? null;
          if (outcome.failed && code === null && !signal) {
            fail(`could not start ${command.file}: ${outcome.shortMessage}`);
            resolve(70);
            return;
          }
          void linesDone.then(() => {
            // pkexec: 126 = the user dismissed the password dialog, 127 = not authorised.
            if (command.file === 'pkexec' && (code === 126 || code === 127)) {
              if (!ended) {
                ended = true;
                onEvent({ v: JOB_PROTOCOL_VERSION, jobId: job.id, type: 'error', phase: null, error: toErrorPayload(new StickwrightError('NOT_AUTHORISED', `pkexec exit ${code}`)) });
              }
            } else {
              fail(`the worker ended without a result (${signal ? `signal ${signal}` : `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
            }
            resolve(code ?? 70);
          });
        });
      });
      return {
        jobId: job.id,
        cancel: () => {
          if (stdin.writable) stdin.write(`${JSON.stringify({ v: JOB_PROTOCOL_VERSION, type: 'cancel' })}\n`);
        },
        done,
      };
    },
  };
}
