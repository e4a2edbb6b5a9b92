// The worker's trust boundary (style-security.md B.5): T23 hostile jobs thrown at the real worker
// process and hostile option values at the built CLI with a real ISO and a real stick (a canary
// file proves nothing reached a shell, and the stick's bytes prove nothing was written); T25 the
// worker starts with an explicit minimal environment (a parent's NODE_OPTIONS and LD_PRELOAD do
// not reach it); T26 the worker has no socket, listening or otherwise (stdio only), idle and
// while it writes.
//
// Only image files this file creates are written; loop devices over them are detached in afterAll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkerEvent } from '../shared/contract/events';
import { JOB_PROTOCOL_VERSION, type Job } from '../shared/contract/job';
import { normaliseLabel } from '../shared/plan/labels';
import { workerCommand, workerRunner } from '../electron/main/jobs/launchWorker';
import { fixtureFile } from './fixtures/fixture';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

let scratch: string;
let appDir: string;
let CLI: string;
let iso: string;
/** Written once (write --yes), used by the add cases; must never change afterwards. */
let stick: string;
let stickPrint: string;
/** A plain 1 GiB image a write job names: every hostile write job must leave it as it is. */
let blank: string;
let blankPrint: string;
const canary = `/tmp/pwned-${randomUUID()}`;

function print(file: string): string {
  const info = statSync(file, { bigint: true });
  return `size=${info.size} mtime=${info.mtimeNs} ctime=${info.ctimeNs}`;
}

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('the trust boundary tests run as root (the worker as the app starts it when root)');
  for (const built of ['dist/worker.js', 'dist/cli.js']) if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-trust-'));
  appDir = path.join(scratch, 'app');
  mkdirSync(appDir);
  copyFileSync('dist/worker.js', path.join(appDir, 'worker.js'));
  CLI = path.join(scratch, 'cli.js');
  copyFileSync('dist/cli.js', CLI);
  mkdirSync(path.join(scratch, 'staging'));
  iso = fixtureFile('liveos', 'image.iso');
  stick = path.join(scratch, 'stick.img');
  const written = spawnSync(process.execPath, [CLI, 'write', '--iso', iso, '--target', stick, '--size', '1G', '--overlay', '128M', '--yes', '--json'], { encoding: 'utf8' });
  if (written.status !== 0) throw new Error(`the test stick could not be written: ${written.stdout.slice(-500)}${written.stderr}`);
  stickPrint = print(stick);
  blank = path.join(scratch, 'blank.img');
  const fd = openSync(blank, 'wx');
  ftruncateSync(fd, GiB);
  closeSync(fd);
  blankPrint = print(blank);
});

afterAll(() => {
  if (!scratch) return;
  for (const name of readdirSync('/sys/block').filter((n) => /^loop\d+$/.test(n))) {
    const backing = (() => {
      try {
        return readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8').trim();
      } catch {
        return '';
      }
    })();
    if (backing.startsWith(`${scratch}/`)) spawnSync('losetup', ['--detach', `/dev/${name}`]);
  }
  rmSync(scratch, { recursive: true, force: true });
  rmSync(canary, { force: true });
});

// ---------------------------------------------------------------------------------------------
// The worker, started the way main starts it when root (workerCommand: its minimal environment)

interface WorkerRun {
  readonly code: number | null;
  readonly events: WorkerEvent[];
  readonly garbage: string[];
  readonly stderr: string;
}

function startWorker(): { child: ChildProcess; done: Promise<WorkerRun> } {
  const command = workerCommand({ packaged: false, appDir });
  const child = spawn(command.file, [...command.args], { env: { ...command.env, STICKWRIGHT_STAGING: path.join(scratch, 'staging') }, stdio: ['pipe', 'pipe', 'pipe'] });
  const events: WorkerEvent[] = [];
  const garbage: string[] = [];
  let stderr = '';
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      const event = WorkerEvent.safeParse(parsed);
      if (event.success) events.push(event.data);
      else garbage.push(line);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin?.on('error', () => undefined);
  const done = new Promise<WorkerRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, events, garbage, stderr }));
  });
  return { child, done };
}

/** One job line; stdin stays open (EOF would cancel the job) until the worker has answered. */
function runWorker(line: string): Promise<WorkerRun> {
  const { child, done } = startWorker();
  child.stdin?.write(`${line}\n`);
  child.stdout?.on('data', (chunk: Buffer) => {
    if (/"type":"(result|error)"/.test(chunk.toString('utf8'))) child.stdin?.end();
  });
  return done.finally(() => child.stdin?.destroy());
}

/** One error event and nothing else terminal; returns its code. */
function refusedWith(run: WorkerRun): string {
  const why = JSON.stringify(run).slice(0, 2000);
  expect(run.garbage, why).toEqual([]);
  const terminal = run.events.filter((e) => e.type === 'result' || e.type === 'error');
  expect(terminal, why).toHaveLength(1);
  const last = terminal[0] as Extract<WorkerEvent, { type: 'error' }>;
  expect(last.type, why).toBe('error');
  expect(run.code, why).not.toBe(0);
  return last.error.code;
}

// ---------------------------------------------------------------------------------------------

const SHELL = [`$(touch ${canary})`, `\`touch ${canary}\``, `;touch ${canary};`, `"; touch ${canary}; "`, `'$(touch ${canary})'`, `| touch ${canary}`, `\ntouch ${canary}\n`];
const hostileString = fc.oneof(
  fc.constantFrom(...SHELL, '../', '../../etc', '..', '.', '/', 'a/b', 'a\0b', 'a\nb', '"', "'", '\u202e', '', 'x'.repeat(70_000)),
  fc.tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...SHELL, '/', '..', '\n', '\0'), fc.string({ maxLength: 12 })).map(([a, b, c]) => `${a}${b}${c}`),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const hostileNumber = fc.constantFrom(-1, 0.5, Number.NaN, 1e308, 2 ** 53, -(2 ** 60), '1G', null);

describe('T23: hostile jobs at the real worker', () => {
  it('hostile values in any field of any job: one error event (BAD_REQUEST for the schema), nothing run, nothing written, no canary', async () => {
    const nowhere = path.join(scratch, 'none');
    const base = { v: JOB_PROTOCOL_VERSION, id: 'hostile-1' };
    const jobs: Record<string, Record<string, unknown>> = {
      // Its target does not exist: a mutation that leaves a good job is refused there.
      write: { ...base, kind: 'write', isoPath: iso, target: `${nowhere}/stick.img`, expectedSize: GiB, options: { fs: 'ext4', overlaySize: 128 * MiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' }, verify: true },
      usage: { ...base, kind: 'usage', stick },
      'reset-overlay': { ...base, kind: 'reset-overlay', stick: `${nowhere}/stick.img`, dir: 'LiveOS' },
      'grow-overlay': { ...base, kind: 'grow-overlay', stick: `${nowhere}/stick.img`, dir: 'LiveOS', size: GiB },
      'add-image': { ...base, kind: 'add-image', isoPath: iso, stick: `${nowhere}/stick.img`, expectedSize: GiB, overlaySize: 0, homeSize: 0, name: 'Two' },
      'remove-image': { ...base, kind: 'remove-image', stick: `${nowhere}/stick.img`, expectedSize: GiB, dir: 'ab12', liveUuid: null },
    };
    // Fields a hostile value goes into. Paths that could name something real get a prefix that
    // does not exist, so that no job whose value passes can reach a real file.
    const fields: Array<readonly [string, string, (v: unknown) => unknown]> = [
      ['write', 'id', (v) => v],
      ['write', 'isoPath', (v) => v],
      ['write', 'target', (v) => `${nowhere}/${String(v)}`],
      ['write', 'expectedSize', (v) => v],
      // (Not `passphrase` alone: a write job with any passphrase and no encrypted home is a good job.)
      ['usage', 'stick', (v) => `${nowhere}/${String(v)}`],
      ['reset-overlay', 'dir', (v) => v],
      ['grow-overlay', 'dir', (v) => v],
      ['grow-overlay', 'size', (v) => v],
      ['add-image', 'name', (v) => v],
      ['add-image', 'overlaySize', (v) => v],
      ['remove-image', 'dir', (v) => v],
      ['remove-image', 'liveUuid', (v) => v],
      ['write', 'shell', (v) => v],
      ['usage', 'env', (v) => v],
    ];
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.oneof(hostileString, hostileNumber), async ([kind, key, wrap], value) => {
        const job = { ...jobs[kind], [key]: wrap(value) };
        const code = refusedWith(await runWorker(JSON.stringify(job)));
        seen.add(code);
        // What the schema lets through is refused by the engine's checks (the source, the target
        // that is not there), before anything is opened for writing.
        // (TARGET_SIZE_REQUIRED: a stick path that does not exist, outside /dev, checked as a target.)
        expect(code).toMatch(/^(BAD_REQUEST|SOURCE_[A-Z_]+|TARGET_(NOT_FOUND|NOT_USABLE|SIZE_REQUIRED)|STICK_NOT_FOUND|LABEL_INVALID|NOT_A_STICK)$/);
      }),
      { numRuns: 40 },
    );
    expect(seen).toContain('BAD_REQUEST');
    expect(existsSync(canary), 'a shell ran a hostile value').toBe(false);
    expect(print(blank), 'the blank image the write jobs named').toBe(blankPrint);
    expect(print(stick), 'the stick').toBe(stickPrint);
  });

  it('hostile labels in an otherwise good write job: LABEL_INVALID (or the schema), the target untouched', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (label) => {
        fc.pre(!normaliseLabel(label, 'ext4').ok);
        const job = { v: 1, id: 'label-1', kind: 'write', isoPath: iso, target: blank, expectedSize: GiB, options: { fs: 'ext4', overlaySize: 128 * MiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label }, verify: true };
        expect(['BAD_REQUEST', 'LABEL_INVALID']).toContain(refusedWith(await runWorker(JSON.stringify(job))));
      }),
      { numRuns: 12 },
    );
    expect(existsSync(canary)).toBe(false);
    expect(print(blank)).toBe(blankPrint);
  });
});

describe('T23: hostile option values at the built CLI, with a real ISO and a real stick', () => {
  const cli = (args: readonly string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('write --dry-run with hostile labels: LABEL_INVALID or USAGE (exit 2), nothing made', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (label) => {
        fc.pre(!label.includes('\0') && !normaliseLabel(label, 'ext4').ok); // argv cannot carry a NUL
        const target = path.join(scratch, 'never.img');
        const run = cli(['write', '--iso', iso, '--target', target, '--size', '1G', '--overlay', '128M', '--label', label, '--dry-run', '--json']);
        expect(run.status, run.stdout + run.stderr).toBe(2);
        expect(['LABEL_INVALID', 'USAGE']).toContain((JSON.parse(run.stdout) as { error: { code: string } }).error.code);
        expect(existsSync(target)).toBe(false);
      }),
      { numRuns: 12 },
    );
    expect(existsSync(canary)).toBe(false);
  });

  it('add with hostile --dir and --name (and --yes): refused, the stick unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('--dir', '--name'), hostileString, async (option, value) => {
        fc.pre(!value.includes('\0') && value.length < 10_000 && (option === '--name' ? /[\u0000-\u001f\u007f]/.test(value) || value.trim() !== value || value === '' : true));
        fc.pre(option !== '--dir' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value));
        const run = cli(['add', '--iso', iso, '--target', stick, '--overlay', '64M', option, value, '--yes', '--json']);
        expect(run.status, run.stdout + run.stderr).not.toBe(0);
      }),
      { numRuns: 12 },
    );
    expect(existsSync(canary)).toBe(false);
    expect(print(stick)).toBe(stickPrint);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * The worker's sockets that are more than a pipe: Node gives a child's stdio (the worker's own,
 * and the tools it runs through execa) as unnamed, connected UNIX socket pairs, which nobody else
 * can connect to. Reported: a listening socket of any family (ss -l), a TCP, UDP or raw socket in
 * any state (ss -a), and a UNIX socket that has a name (a path or an abstract name) or is not a
 * connected pair.
 */
function socketsOf(pid: number): string[] {
  if (!existsSync(`/proc/${pid}`)) throw new Error('the worker has exited');
  const found: string[] = [];
  const owned = (line: string) => line.includes(`pid=${pid},`);
  found.push(...spawnSync('ss', ['-l', '-n', '-p', '-t', '-u', '-w', '-x'], { encoding: 'utf8' }).stdout.split('\n').filter(owned).map((l) => `listening: ${l}`));
  found.push(...spawnSync('ss', ['-a', '-n', '-p', '-t', '-u', '-w'], { encoding: 'utf8' }).stdout.split('\n').filter(owned).map((l) => `inet: ${l}`));
  for (const line of spawnSync('ss', ['-a', '-n', '-p', '-x'], { encoding: 'utf8' }).stdout.split('\n').filter(owned)) {
    // Netid State Recv-Q Send-Q Local-Address Port Peer-Address Port Process
    const [, state, , , local, , peer] = line.trim().split(/\s+/);
    if (local !== '*' || peer !== '*' || state !== 'ESTAB') found.push(`unix: ${line}`);
  }
  return found;
}

describe('T25: a clean environment for the worker', () => {
  it('NODE_OPTIONS=--require=evil.js and LD_PRELOAD in the parent: the worker\'s environment is exactly PATH, LANG and ELECTRON_RUN_AS_NODE; evil.js never runs', async () => {
    const evil = path.join(scratch, 'evil.cjs');
    const evilCanary = path.join(scratch, 'evil-ran');
    writeFileSync(evil, `require('node:fs').appendFileSync(${JSON.stringify(evilCanary)}, process.pid + '\\n');\n`);
    const hostile = { NODE_OPTIONS: `--require=${evil}`, LD_PRELOAD: path.join(scratch, 'evil.so'), NODE_PATH: scratch, LD_LIBRARY_PATH: scratch };
    // The trap works: a Node started with that environment runs evil.js.
    spawnSync(process.execPath, ['-e', ''], { env: { ...process.env, ...hostile } });
    expect(existsSync(evilCanary), 'the trap itself').toBe(true);
    rmSync(evilCanary);

    const saved = { ...process.env };
    Object.assign(process.env, hostile);
    try {
      // The worker as main starts it (the real command): idle, waiting for its job.
      const { child, done } = startWorker();
      const pid = child.pid as number;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      const keys = environ.map((entry) => entry.slice(0, entry.indexOf('='))).sort();
      expect(keys).toEqual(['ELECTRON_RUN_AS_NODE', 'LANG', 'PATH', 'STICKWRIGHT_STAGING']);
      expect(environ).toContain('PATH=/usr/sbin:/usr/bin:/sbin:/bin');
      child.stdin?.end(`${JSON.stringify({ v: 1, id: 'env-1', kind: 'inspect', isoPath: iso })}\n`);
      const run = await done;
      expect(run.code, run.stderr).toBe(0);
      expect(run.events.at(-1)?.type).toBe('result');
      expect(run.stderr).not.toMatch(/ld\.so|evil/);

      // And through main's real runner (no command given: workerCommand, execa without the parent's environment).
      const events: WorkerEvent[] = [];
      const running = workerRunner({ packaged: false, appDir }).start({ v: 1, id: 'env-2', kind: 'inspect', isoPath: iso } as Job, (event) => events.push(event));
      expect(await running.done).toBe(0);
      expect(events.at(-1)?.type).toBe('result');
    } finally {
      for (const key of Object.keys(hostile)) delete process.env[key];
      Object.assign(process.env, saved);
    }
    expect(existsSync(evilCanary), 'evil.js ran inside the worker').toBe(false);
  });
});

describe('T26: no socket, the channel is stdio', () => {
  it('the worker owns no listening, network or named socket (ss), idle and while it writes a stick', async () => {
    const image = path.join(scratch, 'sockets.img');
    const fd = openSync(image, 'wx');
    ftruncateSync(fd, GiB);
    closeSync(fd);
    const { child, done } = startWorker();
    const pid = child.pid as number;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen: string[] = [];
    const look = () => {
      try {
        seen.push(...socketsOf(pid));
        return true;
      } catch {
        return false; // the worker has exited
      }
    };
    expect(look()).toBe(true);
    const job = { v: 1, id: 'sockets-1', kind: 'write', isoPath: iso, target: image, expectedSize: GiB, options: { fs: 'ext4', overlaySize: 128 * MiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' }, verify: true };
    child.stdin?.write(`${JSON.stringify(job)}\n`);
    let looks = 0;
    const poller = setInterval(() => {
      if (look()) looks++;
    }, 100);
    const run = await done;
    clearInterval(poller);
    expect(run.code, JSON.stringify(run.events.at(-1))).toBe(0);
    expect(run.events.at(-1)?.type).toBe('result');
    expect(looks, 'looked while it wrote').toBeGreaterThan(3);
    expect(seen).toEqual([]);
  });
});
