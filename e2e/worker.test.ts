// The elevated worker as the app runs it: the REAL workerRunner of electron/main/jobs (tests run
// as root, so no pkexec) starting the built dist/worker.js, one Job on its stdin, NDJSON events on
// its stdout. A write job to a virtual stick end to end; cancellation by the cancel line, by the
// app going away (stdin closed, and stdout with it) and by Ctrl-C to the process group; a swapped
// stick (expectedSize) refused with the target's bytes unchanged; malformed first lines refused.
//
// Each test gets its own copy of worker.js (so a rebuild of dist/ meanwhile cannot pull it from
// under a test, and so "no worker left" can look for that one path) and its own staging
// directory. Only image files this file creates are written; loop devices over them are detached
// in afterAll whatever happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, copyFileSync, createReadStream, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkerEvent } from '../shared/contract/events';
import { JOB_PROTOCOL_VERSION, type Job } from '../shared/contract/job';
import { WriteJobResult } from '../shared/contract/writeRequest';
import { workerCommand, workerRunner } from '../electron/main/jobs/launchWorker';
import { readEvents } from './workerEvents';
import { fixtureFile } from './fixtures/fixture';
import { fsckStick, readPartitions, withPartition } from './stickChecks';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const PIPELINE = ['preflight', 'partition', 'format', 'copy', 'persist', 'boot', 'flush', 'verify'] as const;

let scratch: string;
let iso: string;

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('the worker tests run as root (loop devices, no pkexec)');
  if (!existsSync(path.resolve('dist/worker.js'))) throw new Error('dist/worker.js is missing: run `npm run build` first');
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-worker-'));
  iso = fixtureFile('liveos', 'image.iso');
});

afterAll(() => {
  if (!scratch) return;
  for (const loop of loopsOver(scratch)) spawnSync('losetup', ['--detach', loop]);
  rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

type ErrorEvent = Extract<WorkerEvent, { type: 'error' }>;
type ProgressEvent = Extract<WorkerEvent, { type: 'progress' }>;

interface Sandbox {
  /** Holds this test's copy of worker.js: the appDir given to workerRunner. */
  readonly appDir: string;
  /** STICKWRIGHT_STAGING of this test's worker. */
  readonly staging: string;
}

let sandboxes = 0;
function sandbox(): Sandbox {
  const dir = path.join(scratch, `t${++sandboxes}`);
  const appDir = path.join(dir, 'app');
  const staging = path.join(dir, 'staging');
  mkdirSync(appDir, { recursive: true });
  mkdirSync(staging);
  copyFileSync(path.resolve('dist/worker.js'), path.join(appDir, 'worker.js'));
  return { appDir, staging };
}

/** The command main would run (as root: this Node, worker.js, ELECTRON_RUN_AS_NODE=1), with
 *  this test's staging directory added to its environment. */
function commandFor(box: Sandbox) {
  const real = workerCommand({ packaged: false, appDir: box.appDir });
  // PBKDF2 with few iterations for an encrypted home (as e2e/encrypted-home.test.ts): argon2id
  // would only cost time; the KDF does not change how the passphrase is used.
  return { ...real, env: { ...real.env, STICKWRIGHT_STAGING: box.staging, STICKWRIGHT_LUKS_FAST_KDF: '1' } };
}

/** A used stick: random bytes in the first MiBs and the last one, an MBR; sparse elsewhere. */
function oldStick(name: string, size: number): string {
  const file = path.join(scratch, name);
  const fd = openSync(file, 'wx');
  try {
    ftruncateSync(fd, size);
    const chunk = Buffer.alloc(MiB);
    for (const at of [0, 4 * MiB, 8 * MiB, size - MiB]) {
      randomFillSync(chunk);
      writeSync(fd, chunk, 0, chunk.length, at);
    }
  } finally {
    closeSync(fd);
  }
  execFileSync('sfdisk', ['-q', file], { input: 'label: dos\n,32M,c\n,,L\n' });
  return file;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(file, { highWaterMark: 4 * MiB });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** Loop devices whose backing file is `file` or lies under the directory `file` (sysfs). */
function loopsOver(file: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/sys/block').filter((n) => /^loop\d+$/.test(n))) {
    let backing: string;
    try {
      backing = readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8').trim().replace(/ \(deleted\)$/, '');
    } catch {
      continue;
    }
    if (backing === file || backing.startsWith(`${file}/`)) found.push(`/dev/${name}`);
  }
  return found;
}

/** Processes whose command line contains `text` (the test's worker.js, staging directory…). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (cmdline.includes(text) && Number(pid) !== process.pid) found.push(`${pid} ${cmdline}`);
  }
  return found;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let jobs = 0;
function writeJob(target: string, overrides: Partial<Extract<Job, { kind: 'write' }>> = {}): Extract<Job, { kind: 'write' }> {
  return {
    v: JOB_PROTOCOL_VERSION,
    id: `worker-test-${++jobs}`,
    kind: 'write',
    isoPath: iso,
    target,
    expectedSize: statSync(target).size,
    options: { fs: 'ext4', overlaySize: 256 * MiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' },
    verify: true,
    ...overrides,
  };
}

/** Nothing of the job left behind: no loop device over the image (losetup -j), nothing in the
 *  staging directory, no process running this test's worker.js or using its staging directory. */
async function expectNothingLeft(image: string | null, box: Sandbox): Promise<void> {
  if (image) expect(execFileSync('losetup', ['-j', image], { encoding: 'utf8' }), `loop devices over ${image}`).toBe('');
  expect(readdirSync(box.staging), 'staging directory').toEqual([]);
  for (const text of [box.appDir, box.staging]) {
    let left = processesMentioning(text);
    for (let i = 0; i < 20 && left.length; i++) {
      await sleep(100);
      left = processesMentioning(text);
    }
    expect(left, `processes still running with ${text} in their arguments`).toEqual([]);
  }
}

/** A cancelled write: CANCELLED as the one terminal event, saying the stick is wiped, without a
 *  partition table, and must be written again. */
function expectCancelledMidWrite(events: readonly WorkerEvent[], why: string): ErrorEvent {
  const terminal = events.filter((e) => e.type === 'result' || e.type === 'error');
  expect(terminal, why).toHaveLength(1);
  const last = events.at(-1) as ErrorEvent;
  expect(last.type, why).toBe('error');
  expect(last.error.code, why).toBe('CANCELLED');
  expect(['copy', 'format'], why).toContain(last.phase);
  expect(last.error.message, why).toMatch(/no partition table/);
  expect(last.error.message, why).toMatch(/written again/);
  expect(last.error.data.targetTouched, why).toBe(true);
  return last;
}

function expectNoPartitionTable(image: string): void {
  const probe = spawnSync('blkid', ['-p', '-o', 'export', image], { encoding: 'utf8' });
  expect(probe.stdout, 'blkid -p finds no partition table').not.toMatch(/PTTYPE=/);
}

/** Runs one job through the real workerRunner; `onEvent` may act on the running job. */
async function runThroughMain(box: Sandbox, job: Job, onEvent?: (event: WorkerEvent, cancel: () => void) => void) {
  const events: WorkerEvent[] = [];
  const startedAt = performance.now();
  let cancel: () => void = () => {
    throw new Error('cancel before start returned');
  };
  const running = workerRunner({ packaged: false, appDir: box.appDir, command: commandFor(box) }).start(job, (event) => {
    events.push(event);
    onEvent?.(event, () => cancel());
  });
  cancel = () => running.cancel();
  const code = await running.done;
  return { code, events, seconds: (performance.now() - startedAt) / 1000, why: events.map((e) => JSON.stringify(e).slice(0, 400)).join('\n') };
}

interface RawRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: WorkerEvent[];
  /** stdout lines that are not WorkerEvents (there must be none). */
  readonly garbage: string[];
}

/**
 * The worker without main's runner, for what main never does: malformed lines, closing its end of
 * the pipes, a signal to the whole process group. `input` is written first; `end` closes stdin
 * right after it (otherwise it stays open until the worker exits or onEvent closes it).
 */
function runRaw(box: Sandbox, input: string | Buffer, options: { end?: boolean; detached?: boolean; onEvent?: (event: WorkerEvent, child: ReturnType<typeof spawn>) => void } = {}): Promise<RawRun> {
  const command = commandFor(box);
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, [...command.args], { env: command.env, stdio: ['pipe', 'pipe', 'pipe'], detached: options.detached ?? false });
    let stderr = '';
    const { stdout: out, events, garbage } = readEvents(child, options.onEvent);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.stdin.write(input);
    if (options.end) child.stdin.end();
    child.on('error', reject);
    child.on('close', (code, signal) => {
      child.stdin.destroy();
      resolve({ code, signal, stdout: out(), stderr, events, garbage });
    });
  });
}

// ---------------------------------------------------------------------------------------------

describe('a write job through the real workerRunner', () => {
  it('writes an existing 1 GiB image: phases in order, sane progress, one result, a stick that passes fsck', async () => {
    const box = sandbox();
    const image = path.join(scratch, 'good.img');
    closeSync(openSync(image, 'wx'));
    execFileSync('truncate', ['-s', String(GiB), image]);
    const job = writeJob(image);
    const { code, events, seconds, why } = await runThroughMain(box, job);
    expect(code, why).toBe(0);
    for (const event of events) expect(event.jobId, why).toBe(job.id);

    // Phases: preflight first, each once, in pipeline order, the whole pipeline there.
    const phases = events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
    expect(events[0], why).toMatchObject({ type: 'phase', phase: 'preflight' });
    expect(new Set(phases).size, why).toBe(phases.length);
    const order = phases.map((p) => PIPELINE.indexOf(p as (typeof PIPELINE)[number]));
    expect(order.every((i) => i >= 0), why).toBe(true);
    expect([...order].sort((a, b) => a - b), why).toEqual(order);
    for (const required of ['preflight', 'partition', 'format', 'copy', 'boot', 'flush', 'verify'] as const) expect(phases, why).toContain(required);
    expect(events.some((e) => e.type === 'log' && e.level === 'info'), why).toBe(true);

    // Progress: tagged with the current phase, monotonic, one total, 100 % once and last, the
    // rate and ETA consistent with each other, at most ten a second (plus one per phase change).
    let phase: string | null = null;
    let last = -1;
    const progress: ProgressEvent[] = [];
    for (const event of events) {
      if (event.type === 'phase') phase = event.phase;
      if (event.type !== 'progress') continue;
      progress.push(event);
      expect(event.phase, why).toBe(phase);
      expect(event.bytesDone, why).toBeGreaterThanOrEqual(last);
      expect(event.bytesDone, why).toBeLessThanOrEqual(event.bytesTotal);
      expect(event.bytesTotal, why).toBe(progress[0]?.bytesTotal);
      expect(Number.isFinite(event.speed) && event.speed < 100 * GiB, why).toBe(true);
      const left = event.bytesTotal - event.bytesDone;
      if (left === 0) expect(event.eta, why).toBe(0);
      else if (event.speed > 0) expect(Math.abs((event.eta ?? -10) - left / event.speed), why).toBeLessThanOrEqual(1);
      else expect(event.eta, why).toBeNull();
      last = event.bytesDone;
    }
    expect(progress.length, why).toBeGreaterThan(1);
    const total = progress[0]?.bytesTotal ?? 0;
    expect(total, why).toBeGreaterThan(statSync(iso).size * 0.9);
    expect(progress.at(-1)?.bytesDone, why).toBe(total);
    expect(progress.filter((p) => p.bytesDone === total), why).toHaveLength(1);
    expect(progress.some((p) => p.speed > 0), why).toBe(true);
    expect(progress.length, why).toBeLessThanOrEqual(Math.ceil(10 * seconds) + phases.length + 1);

    // Exactly one terminal event, the last, a WriteJobResult.
    expect(events.filter((e) => e.type === 'result' || e.type === 'error'), why).toHaveLength(1);
    const result = events.at(-1);
    expect(result?.type, why).toBe('result');
    const value = WriteJobResult.parse((result as Extract<WorkerEvent, { type: 'result' }>).value);
    expect(value).toMatchObject({ target: image, targetKind: 'file' });
    expect(value.elapsedMs).toBeGreaterThan(0);
    expect(value.elapsedMs).toBeLessThanOrEqual(seconds * 1000);
    expect(value.plan).toMatchObject({ targetSize: GiB });

    // The stick: an MBR with the live partition and the ESP, both filesystems clean.
    expect(statSync(image).size).toBe(GiB);
    expect(readPartitions(image).map((p) => p.type)).toEqual(['83', 'ef']);
    await fsckStick(image, 'ext4');
    await expectNothingLeft(image, box);
  });

  it('refuses a target whose size is not the one chosen (a swapped stick): TARGET_CHANGED, not a byte written', async () => {
    const box = sandbox();
    const image = oldStick('swapped.img', 512 * MiB);
    const before = await sha256(image);
    const stat = statSync(image, { bigint: true });
    const job = writeJob(image, { expectedSize: 512 * MiB + 4096 });
    const { code, events, why } = await runThroughMain(box, job);
    expect(code, why).toBe(4);
    expect(events.filter((e) => e.type === 'result' || e.type === 'error'), why).toHaveLength(1);
    const last = events.at(-1) as ErrorEvent;
    expect(last, why).toMatchObject({ type: 'error', phase: 'preflight', error: { code: 'TARGET_CHANGED' } });
    expect(last.error.data, why).toMatchObject({ path: image, expectedSize: 512 * MiB + 4096, size: 512 * MiB, targetTouched: false });
    expect(last.error.message, why).toMatch(/nothing was written/);
    expect(events.some((e) => e.type === 'phase' && e.phase !== 'preflight'), why).toBe(false);
    expect(await sha256(image)).toBe(before);
    const after = statSync(image, { bigint: true });
    expect([after.size, after.mtimeNs, after.ctimeNs]).toEqual([stat.size, stat.mtimeNs, stat.ctimeNs]);
    await expectNothingLeft(image, box);
  });

  it('an encrypted home: the job\'s passphrase (UTF-8) opens home.img, a wrong one does not; verify:false skips the fsck phase', async () => {
    const box = sandbox();
    const image = oldStick('encrypted.img', GiB);
    const passphrase = 'correct hörse battery';
    const options = { fs: 'ext4', overlaySize: 128 * MiB, overlayKind: 'auto', homeSize: 64 * MiB, encryptHome: true, label: 'LIVE' } as const;

    const refused = await runThroughMain(box, writeJob(image, { options }));
    expect(refused.code, refused.why).toBe(2);
    expect(refused.events.at(-1), refused.why).toMatchObject({ type: 'error', error: { code: 'OPTIONS_CONFLICT', data: { targetTouched: false } } });

    const { code, events, why } = await runThroughMain(box, writeJob(image, { options, passphrase, verify: false }));
    expect(code, why).toBe(0);
    const phases = events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
    expect(phases, why).toContain('flush');
    expect(phases, why).not.toContain('verify');
    expect(events.at(-1)?.type, why).toBe('result');
    const [live] = readPartitions(image);
    if (!live) throw new Error('no live partition');
    const home = path.join(box.appDir, 'home.img');
    withPartition(image, live, (device) => execFileSync('debugfs', ['-R', `dump /LiveOS/home.img ${home}`, device], { stdio: 'ignore' }));
    const open = (key: string) => spawnSync('cryptsetup', ['luksDump', '--dump-volume-key', '--batch-mode', '--key-file', '-', home], { input: Buffer.from(key, 'utf8'), encoding: 'utf8' });
    expect(open(passphrase).status, open(passphrase).stderr).toBe(0);
    expect(open('correct horse battery').status).not.toBe(0);
    await expectNothingLeft(image, box);
  });

  it('refuses a target that is gone: TARGET_NOT_FOUND, and no image file is made', async () => {
    const box = sandbox();
    const image = path.join(scratch, 'gone.img');
    const job = { ...writeJob(iso), target: image, expectedSize: GiB };
    const { code, events, why } = await runThroughMain(box, job);
    expect(code, why).toBe(4);
    expect(events.at(-1), why).toMatchObject({ type: 'error', error: { code: 'TARGET_NOT_FOUND', data: { targetTouched: false } } });
    expect(existsSync(image)).toBe(false);
  });
});

describe('cancelling a write job', () => {
  // F2FS: the staged copy, then sload.f2fs filling the filesystem for several seconds — a child
  // program that must be stopped too.
  const f2fs = { fs: 'f2fs', overlaySize: 256 * MiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' } as const;

  it('the cancel line after the first progress of the copy phase: CANCELLED (exit 130), the stick blank, nothing left', async () => {
    const box = sandbox();
    const image = oldStick('cancel-line.img', GiB);
    let cancelledAt = 0;
    const { code, events, why } = await runThroughMain(box, writeJob(image, { options: f2fs }), (event, cancel) => {
      if (cancelledAt === 0 && event.type === 'progress' && event.phase === 'copy') {
        cancelledAt = performance.now();
        cancel();
      }
    });
    expect(cancelledAt, `no progress in the copy phase: ${why}`).toBeGreaterThan(0);
    expect(performance.now() - cancelledAt, 'ms from the cancel to the end').toBeLessThan(10_000);
    expect(code, why).toBe(130);
    expectCancelledMidWrite(events, why);
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.startsWith('cancel requested')), why).toBe(true);
    expectNoPartitionTable(image);
    await expectNothingLeft(image, box);
  });

  it('the app goes away (stdin closed mid-write): CANCELLED, the worker exits, nothing left', async () => {
    const box = sandbox();
    const image = oldStick('cancel-eof.img', GiB);
    let closed = false;
    const run = await runRaw(box, `${JSON.stringify(writeJob(image, { options: f2fs }))}\n`, {
      onEvent: (event, child) => {
        if (!closed && event.type === 'progress' && event.phase === 'copy') {
          closed = true;
          child.stdin?.end();
        }
      },
    });
    const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(closed, why).toBe(true);
    expect(run.garbage, why).toEqual([]);
    expect(run.code, why).toBe(130);
    expectCancelledMidWrite(run.events, why);
    expect(run.events.some((e) => e.type === 'log' && e.level === 'warn' && /stdin closed/.test(e.message)), why).toBe(true);
    expectNoPartitionTable(image);
    await expectNothingLeft(image, box);
  });

  it('the app dies (stdin and stdout closed during sload.f2fs): no crash on the broken pipe, CANCELLED exit, nothing left', async () => {
    const box = sandbox();
    const image = oldStick('cancel-dead.img', GiB);
    let closed = false;
    const run = await runRaw(box, `${JSON.stringify(writeJob(image, { options: f2fs }))}\n`, {
      onEvent: (event, child) => {
        if (!closed && event.type === 'phase' && event.phase === 'format') {
          closed = true;
          setTimeout(() => {
            child.stdout?.destroy();
            child.stdin?.destroy();
          }, 300);
        }
      },
    });
    expect(closed, run.stdout).toBe(true);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).not.toMatch(/EPIPE|Error/);
    expectNoPartitionTable(image);
    await expectNothingLeft(image, box);
  });

  it('Ctrl-C to the process group while sload.f2fs runs (it dies of the same SIGINT): CANCELLED, not a tool failure', async () => {
    const box = sandbox();
    const image = oldStick('cancel-sigint.img', GiB);
    let sent = false;
    const run = await runRaw(box, `${JSON.stringify(writeJob(image, { options: f2fs }))}\n`, {
      detached: true,
      onEvent: (event, child) => {
        if (!sent && event.type === 'phase' && event.phase === 'format') {
          sent = true;
          setTimeout(() => process.kill(-(child.pid as number), 'SIGINT'), 500);
        }
      },
    });
    const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(sent, why).toBe(true);
    expect(run.signal, why).toBeNull();
    expect(run.code, why).toBe(130);
    const last = expectCancelledMidWrite(run.events, why);
    expect(last.phase, why).toBe('format');
    expect(run.events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.startsWith('SIGINT')), why).toBe(true);
    expectNoPartitionTable(image);
    await expectNothingLeft(image, box);
  });
});

describe.concurrent('a malformed first line: one BAD_REQUEST error event, exit 2', () => {
  const inspect = () => ({ v: 1, id: 'bad-1', kind: 'inspect', isoPath: iso });
  const cases: Array<[string, () => string | Buffer, boolean]> = [
    ['not JSON', () => 'hello worker\n', true],
    ['an unknown key', () => `${JSON.stringify({ ...inspect(), shell: 'rm -rf /' })}\n`, true],
    ['the wrong protocol version', () => `${JSON.stringify({ ...inspect(), v: 2 })}\n`, true],
    ['a path with NUL', () => `${JSON.stringify({ ...inspect(), isoPath: `${iso}\0.txt` })}\n`, true],
    ['a write job with a NUL in its target', () => `${JSON.stringify({ ...writeJob(iso), target: '/tmp/x\0y' })}\n`, true],
    // Never ended by a newline, and stdin stays open: the worker must not wait for the rest.
    ['a huge line', () => `{"v":1,"id":"bad-1","kind":"inspect","isoPath":"${'a'.repeat(200 * 1024)}`, false],
    ['nothing at all (EOF)', () => '', true],
  ];
  for (const [name, input, end] of cases) {
    it(name, async () => {
      const box = sandbox();
      const run = await runRaw(box, input(), { end });
      const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      expect(run.code, why).toBe(2);
      expect(run.garbage, why).toEqual([]);
      expect(run.events, why).toHaveLength(1);
      expect(run.events[0], why).toMatchObject({ v: 1, jobId: '', type: 'error', phase: null, error: { code: 'BAD_REQUEST' } });
      expect(run.stderr, why).toBe('');
      await expectNothingLeft(null, box);
    });
  }
});
