// The fault suite's tools (e2e/faults-*.test.ts): the built CLI and worker copied into a scratch
// directory, runs that watch the --json event stream and act on a phase, a FUSE filesystem that
// fails on demand (faultfs.py) under loop devices and ISOs, and the end-state checks: no
// partition table, nothing left behind (loop devices, mounts, staging, processes), bystanders
// hashed before and after.
//
// Only files under the scratch directory and loop devices attached to them are ever touched;
// afterAll unmounts, detaches and removes all of it whatever a test left.
import { afterAll, beforeAll, expect } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, copyFileSync, createReadStream, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkerEvent } from '../../shared/contract/events';
import { JOB_PROTOCOL_VERSION, type Job } from '../../shared/contract/job';
import { readEvents } from '../workerEvents';
import { fixtureFile } from '../fixtures/fixture';

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

/** The built programs: dist/ (STICKWRIGHT_DIST for a private build while developing the suite). */
const DIST = path.resolve(process.env.STICKWRIGHT_DIST ?? 'dist');
const FAULTFS = path.resolve('e2e/faults/faultfs.py');

export interface Suite {
  readonly scratch: string;
  /** This file's copy of dist/cli.js and dist/worker.js (a rebuild meanwhile cannot pull them away). */
  readonly cli: string;
  readonly worker: string;
  /** The liveos fixture ISO. */
  readonly iso: string;
}

let suite: Suite | null = null;
const ourLoops = new Set<string>();
const ourServers = new Set<ChildProcess>();

/** beforeAll/afterAll for one test file; the returned function gives the suite's paths. */
export function useFaultSuite(prefix: string): () => Suite {
  beforeAll(() => {
    if (process.getuid?.() !== 0) throw new Error('the fault suite runs as root (loop devices, FUSE, mounts)');
    for (const file of ['cli.js', 'worker.js']) if (!existsSync(path.join(DIST, file))) throw new Error(`${DIST}/${file} is missing: run \`npm run build\` first`);
    const scratch = mkdtempSync(path.join(tmpdir(), prefix));
    const cli = path.join(scratch, 'cli.js');
    const worker = path.join(scratch, 'worker.js');
    copyFileSync(path.join(DIST, 'cli.js'), cli);
    copyFileSync(path.join(DIST, 'worker.js'), worker);
    suite = { scratch, cli, worker, iso: fixtureFile('liveos', 'image.iso') };
  });
  afterAll(() => {
    if (!suite) return;
    const { scratch } = suite;
    for (const mountPoint of mountsUnder(scratch).reverse()) if (spawnSync('umount', [mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint]);
    for (const server of ourServers) server.kill('SIGKILL');
    for (const loop of [...ourLoops, ...loopsOver(scratch)]) spawnSync('losetup', ['--detach', loop]);
    rmSync(scratch, { recursive: true, force: true });
    suite = null;
  });
  return () => {
    if (!suite) throw new Error('the suite exists only while its tests run');
    return suite;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Running the CLI and the worker

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: WorkerEvent[];
  /** stdout lines that are not WorkerEvents (there must be none). */
  readonly garbage: string[];
  readonly pid: number;
  /** ms from the start to the exit. */
  readonly ms: number;
  /** performance.now() at the exit. */
  readonly endedAt: number;
  readonly why: string;
}

export interface RunOptions {
  readonly input?: string;
  /** Keep stdin open after `input` (the worker reads control lines from it). */
  readonly keepStdinOpen?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  readonly detached?: boolean;
  readonly onEvent?: (event: WorkerEvent, child: ChildProcess) => void;
}

export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(file, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env }, detached: options.detached ?? false });
    let stderr = '';
    const { stdout: out, events, garbage } = readEvents(child, options.onEvent);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    if (options.input) child.stdin.write(options.input);
    if (!options.keepStdinOpen) child.stdin.end();
    child.on('error', reject);
    child.on('close', (code, signal) => {
      child.stdin.destroy();
      const endedAt = performance.now();
      const stdout = out();
      const why = `exit ${code ?? signal}\nstdout:\n${stdout.split('\n').filter((l) => !l.includes('"type":"progress"')).join('\n').slice(-6000)}\nstderr:\n${stderr.slice(-3000)}`;
      resolve({ code, signal, stdout, stderr, events, garbage, pid: child.pid ?? -1, ms: endedAt - startedAt, endedAt, why });
    });
  });
}

/** `stickwright write … --yes --json` with this suite's CLI. */
export function cliWrite(s: Suite, iso: string, target: string, more: readonly string[], options: RunOptions = {}): Promise<Run> {
  return run(process.execPath, [s.cli, 'write', '--iso', iso, '--target', target, '--overlay', '256M', '--yes', '--json', ...more], options);
}

export type ErrorEvent = Extract<WorkerEvent, { type: 'error' }>;

/** The one terminal event is an error with this code and exit status; no stack on stderr. */
export function expectError(r: Run, code: string, exit: number): ErrorEvent {
  expect(r.garbage, r.why).toEqual([]);
  expect(r.signal, r.why).toBeNull();
  expect(r.code, r.why).toBe(exit);
  expect(r.stderr, r.why).not.toMatch(/^\s+at /m);
  const terminal = r.events.filter((e) => e.type === 'result' || e.type === 'error');
  expect(terminal, r.why).toHaveLength(1);
  const last = r.events.at(-1) as ErrorEvent;
  expect(last.type, r.why).toBe('error');
  expect(last.error.code, r.why).toBe(code);
  expect(last.error.message.startsWith(`${code}: `), r.why).toBe(true);
  return last;
}

export function phasesOf(r: Run): string[] {
  return r.events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
}

// ---------------------------------------------------------------------------------------------
// Targets, loop devices, mounts

/** A used stick: random bytes in the first MiBs and the last one, and an MBR with two partitions. */
export function oldStick(file: string, size: number): string {
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

export function attachLoop(image: string): string {
  const device = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`losetup answered "${device}"`);
  ourLoops.add(device);
  return device;
}

/** Detaches (or, while it is open, marks for detaching on last close) — as `losetup -d` does. */
export function detachLoop(device: string): void {
  spawnSync('losetup', ['--detach', device]);
  ourLoops.delete(device);
}

/** Loop devices whose backing file is `file` or lies under the directory `file` (sysfs). */
export function loopsOver(file: string): string[] {
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

/** Loop devices over `device` itself (the engine's loops over a byte range of a loop target). */
export function loopsOverDevice(device: string): string[] {
  const name = path.basename(device);
  return loopsOver(device).concat(existsSync(`/sys/block/${name}/holders`) ? readdirSync(`/sys/block/${name}/holders`).map((h) => `/dev/${h}`) : []);
}

export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\040/g, ' '))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`));
}

/** A small ext4 filesystem in an image file, mounted through a loop device: a disk that fills. */
export function mountSmallExt4(dir: string, sizeMiB: number): { mountPoint: string; unmount: () => void } {
  const image = path.join(dir, `ext4-${sizeMiB}M.fs`);
  closeSync(openSync(image, 'wx'));
  execFileSync('truncate', ['-s', `${sizeMiB}M`, image]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', image]);
  const mountPoint = path.join(dir, `mnt-${sizeMiB}M`);
  mkdirSync(mountPoint);
  const loop = attachLoop(image);
  execFileSync('mount', [loop, mountPoint]);
  return {
    mountPoint,
    unmount: () => {
      if (spawnSync('umount', [mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint]);
      detachLoop(loop);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The FUSE filesystem that fails on demand

export interface FaultFs {
  readonly mountPoint: string;
  readonly control: string;
  /** The path of a served file inside the mount. */
  file(name: string): string;
  /** From now on every read, write and fsync answers EIO: the stick is gone. */
  fail(): void;
  /** Each read and write waits this long: a slow stick (0: full speed). */
  delay(ms: number): void;
  /** The next fsync answers EIO, once; later ones succeed again (fsyncgate). */
  failNextFsync(): void;
  /** Whether that fsync has happened. */
  fsyncFailed(): boolean;
  unmount(): Promise<void>;
}

export async function mountFaultFs(dir: string, files: Readonly<Record<string, string>>, readEio: ReadonlyArray<readonly [string, number, number]> = []): Promise<FaultFs> {
  const mountPoint = mkdtempSync(path.join(dir, 'fusemnt-'));
  const control = mkdtempSync(path.join(dir, 'fusectl-'));
  const args = [FAULTFS, mountPoint, '--control', control];
  for (const [name, backing] of Object.entries(files)) args.push('--file', `${name}=${backing}`);
  for (const [name, start, end] of readEio) args.push('--read-eio', `${name}:${start}:${end}`);
  const server = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  ourServers.add(server);
  let log = '';
  server.stdout.on('data', (c: Buffer) => (log += c.toString()));
  server.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));
  for (let i = 0; i < 100 && !mountsUnder(mountPoint).length && server.exitCode === null; i++) await sleep(50);
  if (!mountsUnder(mountPoint).length) {
    server.kill('SIGKILL');
    throw new Error(`faultfs did not mount (is python3-fusepy installed? scripts/debian-packages.txt): ${log}`);
  }
  return {
    mountPoint,
    control,
    file: (name) => path.join(mountPoint, name),
    fail: () => writeFileSync(path.join(control, 'fail'), ''),
    delay: (ms) => writeFileSync(path.join(control, 'delay-ms'), String(ms)),
    failNextFsync: () => writeFileSync(path.join(control, 'fsync-eio'), ''),
    fsyncFailed: () => !existsSync(path.join(control, 'fsync-eio')),
    unmount: async () => {
      rmSync(path.join(control, 'fail'), { force: true });
      writeFileSync(path.join(control, 'delay-ms'), '0');
      if (spawnSync('umount', [mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint]);
      const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      ourServers.delete(server);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// End states

export function sha256(file: string, length?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(file, { highWaterMark: 4 * MiB, end: length === undefined ? undefined : length - 1 });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** A bystander: a 16 MiB file of random bytes behind its own loop device, hashed before and after
 *  each fault (through the device and the file) — another stick in the same machine. */
export async function bystander(dir: string): Promise<{ device: string; file: string; hash: string; check: () => Promise<void>; remove: () => void }> {
  const file = path.join(dir, `bystander-${process.hrtime.bigint()}.img`);
  writeFileSync(file, randomFillSync(Buffer.alloc(16 * MiB)));
  const device = attachLoop(file);
  const hash = await sha256(file);
  expect(await sha256(device), 'the bystander reads the same through its loop device').toBe(hash);
  return {
    device,
    file,
    hash,
    check: async () => {
      expect(await sha256(device), `the bystander ${device} changed`).toBe(hash);
      expect(await sha256(file), `the bystander ${file} changed`).toBe(hash);
    },
    remove: () => {
      detachLoop(device);
      rmSync(file, { force: true });
    },
  };
}

/** Blank: no partition table that sfdisk or blkid -p would find (the commit point never came). */
export function expectBlank(target: string): void {
  const table = spawnSync('sfdisk', ['--json', target], { encoding: 'utf8' });
  if (table.status === 0) expect((JSON.parse(table.stdout) as { partitiontable: { partitions?: unknown[] } }).partitiontable.partitions ?? [], `sfdisk finds partitions on ${target}`).toEqual([]);
  else expect(table.stderr, 'sfdisk').toMatch(/does not contain a recognized partition table/);
  const probe = spawnSync('blkid', ['-p', '-o', 'export', target], { encoding: 'utf8' });
  expect(probe.stdout, `blkid -p finds a partition table on ${target}`).not.toMatch(/PTTYPE=/);
}

/** Processes whose command line mentions `text`, this test process excepted. */
export function processesMentioning(text: string): string[] {
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

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** Nothing of a write left: no loop device over the target (or over a loop target), nothing in
 *  the staging directory, no process mentioning the staging directory or `programs`. */
export async function expectNothingLeft(target: string, staging: string | null, programs: readonly string[] = []): Promise<void> {
  const isBlock = existsSync(target) && statSync(target).isBlockDevice();
  if (isBlock) expect(loopsOverDevice(target), `loop devices over ${target}`).toEqual([]);
  else expect(loopsOver(target), `loop devices over ${target}`).toEqual([]);
  if (staging) expect(readdirSync(staging), 'staging directory').toEqual([]);
  for (const text of [...(staging ? [staging] : []), ...programs]) {
    let left = processesMentioning(text);
    for (let i = 0; i < 30 && left.length; i++) {
      await sleep(100);
      left = processesMentioning(text);
    }
    expect(left, `processes still running with ${text} in their arguments`).toEqual([]);
  }
}

/** A staging directory of its own for one run (STICKWRIGHT_STAGING). */
export function stagingDir(dir: string): string {
  return mkdtempSync(path.join(dir, 'staging-'));
}

/** A write job for the worker (as main sends it) onto an existing target of `size` bytes. */
export function writeJob(s: Suite, target: string, id: string, size: number, fs: 'ext4' | 'vfat' | 'f2fs' = 'ext4'): Job {
  return {
    v: JOB_PROTOCOL_VERSION,
    id,
    kind: 'write',
    isoPath: s.iso,
    target,
    expectedSize: size,
    options: { fs, overlaySize: 256 * MiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' },
    verify: true,
  };
}

/** The worker as main starts it when root (this Node, worker.js, ELECTRON_RUN_AS_NODE=1). */
export function runWorker(s: Suite, job: Job, options: Omit<RunOptions, 'input'> = {}): Promise<Run> {
  return run(process.execPath, [s.worker], { ...options, input: `${JSON.stringify(job)}\n`, keepStdinOpen: options.keepStdinOpen ?? true, env: { ELECTRON_RUN_AS_NODE: '1', ...options.env } });
}
