// Target choice and identity, mounted and busy targets (style-security.md B.5 T1-T4, T8, T9), with
// the built CLI and the engine's guardedWrite. Each refusal also proves that nothing was written
// (the whole loop device hashed before and after).
//
// Only loop devices and image files this file creates are written (losetup -f, never a fixed
// number); T1 only ever runs the check (`write --dry-run`, under strace to see that the running
// system's disk is never opened for writing). Everything is detached, unmounted and removed in
// finally blocks and again in afterAll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, copyFileSync, createReadStream, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkerEvent } from '../shared/contract/events';
import { guardedWrite } from '../electron/engine/jobs/guardedWrite';
import { resolveTarget } from '../electron/engine/target/resolveTarget';
import { checkOpenedTarget, readTargetIdentity } from '../electron/engine/target/targetIdentity';
import { StickwrightError } from '../shared/errors';
import { fixtureFile } from './fixtures/fixture';
import { readPartitions } from './stickChecks';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

let scratch: string;
let CLI: string;
let iso: string;
const ourLoops = new Set<string>();

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('the target safety tests run as root (loop devices, mounts)');
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-target-safety-'));
  const built = path.resolve('dist/cli.js');
  if (!existsSync(built)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  CLI = path.join(scratch, 'cli.js');
  copyFileSync(built, CLI);
  iso = fixtureFile('liveos', 'image.iso');
});

afterAll(() => {
  if (!scratch) return;
  const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint.startsWith(`${scratch}/`))
    .reverse();
  for (const mountPoint of mountPoints) spawnSync('umount', ['-l', mountPoint]);
  for (const loop of [...ourLoops, ...loopsOver(scratch)]) spawnSync('losetup', ['--detach', loop]);
  rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], options: { onStdoutLine?: (line: string) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        options.onStdoutLine?.(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI on a terminal (`script` gives it a pty); `answer` sees the output so far and may reply once. */
function onTerminal(args: readonly string[], answer: (output: string) => string | null): Promise<{ code: number | null; output: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (answered) return;
      const reply = answer(output);
      if (reply !== null) {
        answered = true;
        child.stdin.write(reply);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code, output });
    });
  });
}

const QUESTION = /Type "yes" to go on: /;

type ErrorEvent = Extract<WorkerEvent, { type: 'error' }>;

function eventsOf(run: Run): WorkerEvent[] {
  return run.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => WorkerEvent.parse(JSON.parse(line)));
}

/** `write --json` ended with exactly one error event of `code`, exit `exit`. */
function expectError(run: Run, code: string, exit: number): ErrorEvent {
  const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.code, why).toBe(exit);
  const events = eventsOf(run);
  expect(events.filter((e) => e.type === 'result' || e.type === 'error'), why).toHaveLength(1);
  const last = events.at(-1) as ErrorEvent;
  expect(last.type, why).toBe('error');
  expect(last.error.code, why).toBe(code);
  return last;
}

/** A sparse image with an MBR (a small FAT partition and a Linux one), like a used stick. */
let images = 0;
function stickImage(name: string, size = GiB): string {
  // Numbered: a retried test makes new ones.
  const file = path.join(scratch, `${++images}-${name}`);
  const fd = openSync(file, 'wx');
  ftruncateSync(fd, size);
  closeSync(fd);
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

function attachLoop(image: string, ...flags: string[]): string {
  const device = execFileSync('losetup', ['--find', '--show', ...flags, image], { encoding: 'utf8' }).trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`losetup answered "${device}"`);
  ourLoops.add(device);
  return device;
}

function detachLoop(device: string): void {
  spawnSync('losetup', ['--detach', device]);
  ourLoops.delete(device);
}

/** A loop device (with its partitions' nodes when the image has a table) for the length of `body`. */
async function withLoop<T>(image: string, body: (device: string) => Promise<T>): Promise<T> {
  const device = attachLoop(image, '--partscan');
  try {
    if (readPartitions(image).length) {
      if (!existsSync(`${device}p1`)) spawnSync('partx', ['--add', device]);
      for (let i = 0; i < 50 && !existsSync(`${device}p1`); i++) await sleep(100);
      if (!existsSync(`${device}p1`)) throw new Error(`no ${device}p1 after losetup --partscan and partx --add`);
    }
    return await body(device);
  } finally {
    detachLoop(device);
  }
}

function mountedOn(mountPoint: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === mountPoint);
}

async function withMounts<T>(devices: readonly string[], body: (mountPoints: string[]) => Promise<T>): Promise<T> {
  const mountPoints: string[] = [];
  try {
    for (const device of devices) {
      const mountPoint = mkdtempSync(path.join(scratch, 'mnt-'));
      execFileSync('mount', [device, mountPoint]);
      mountPoints.push(mountPoint);
    }
    return await body(mountPoints);
  } finally {
    for (const mountPoint of [...mountPoints].reverse()) {
      if (mountedOn(mountPoint) && spawnSync('umount', [mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint]);
    }
  }
}

function loopsOver(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/sys/block').filter((n) => /^loop\d+$/.test(n))) {
    let backing: string;
    try {
      backing = readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8').trim().replace(/ \(deleted\)$/, '');
    } catch {
      continue;
    }
    if (backing.startsWith(`${dir}/`)) found.push(`/dev/${name}`);
  }
  return found;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A helper process that holds `device` open with O_EXCL until killed (as a disk tool would). */
async function holdExclusively(device: string): Promise<ChildProcess> {
  const holder = spawn(process.execPath, ['-e', `const fs = require('node:fs'); fs.openSync(${JSON.stringify(device)}, fs.constants.O_RDONLY | fs.constants.O_EXCL); process.stdout.write('held\\n'); setInterval(() => {}, 1000);`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout?.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`the holder exited (${code})`)));
  });
  return holder;
}

const write = (target: string, ...more: string[]) => ['write', '--iso', iso, '--target', target, '--overlay', '256M', ...more];

/** The whole disk that holds `/` (findmnt, then lsblk for a partition's disk). */
function rootDisk(): string | null {
  const source = spawnSync('findmnt', ['--noheadings', '--output', 'SOURCE', '--target', '/'], { encoding: 'utf8' }).stdout.trim();
  if (!source.startsWith('/dev/')) return null;
  const parent = spawnSync('lsblk', ['--noheadings', '--nodeps', '--output', 'PKNAME', source], { encoding: 'utf8' }).stdout.trim();
  const disk = parent ? `/dev/${parent}` : source;
  return statSync(disk, { throwIfNoEntry: false })?.isBlockDevice() ? disk : null;
}

// ---------------------------------------------------------------------------------------------

describe('T1: the disk holding / is refused by the check, before anything opens it for writing', () => {
  it('write --dry-run on the root disk (and on a symlink to it): TARGET_IS_SYSTEM, exit 4; strace sees no write open of it', async (context) => {
    const disk = rootDisk();
    if (!disk) return context.skip();
    const link = path.join(scratch, 'usb-Innocent_Stick');
    symlinkSync(disk, link);
    try {
      for (const target of [disk, link]) {
        const trace = path.join(scratch, `strace-${path.basename(target)}.log`);
        // --unmount too: consent to unmount is never consent to erase the running system.
        const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=open,openat,openat2', '-o', trace, process.execPath, CLI, ...write(target, '--dry-run', '--json', '--yes', '--unmount')], {
          encoding: 'utf8',
        });
        const why = `${run.stdout}\n${run.stderr}`;
        expect(run.status, why).toBe(4);
        const answer = JSON.parse(run.stdout) as { ok: boolean; error: { code: string; data: { path: string } } };
        expect(answer.ok, why).toBe(false);
        expect(answer.error.code, why).toBe('TARGET_IS_SYSTEM');
        expect(answer.error.data.path, 'named by the resolved disk').toBe(disk);
        const opens = readFileSync(trace, 'utf8')
          .split('\n')
          .filter((line) => line.includes(`"${disk}"`) || line.includes(`"${link}"`));
        expect(opens.filter((line) => /O_(RDWR|WRONLY)/.test(line)), opens.join('\n')).toEqual([]);
      }
    } finally {
      unlinkSync(link);
    }
  });
});

describe('T2: the disk holding the ISO', () => {
  it('the ISO inside a mounted filesystem of the target: TARGET_HOLDS_SOURCE, even with --unmount; nothing written', async () => {
    const image = stickImage('holds-iso.img', 512 * MiB);
    await withLoop(image, async (disk) => {
      execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', `${disk}p2`]);
      await withMounts([`${disk}p2`], async ([mountPoint]) => {
        const isoOnTarget = path.join(mountPoint as string, 'live.iso');
        copyFileSync(iso, isoOnTarget);
        const before = await sha256(disk);
        const run = await cli(['write', '--iso', isoOnTarget, '--target', disk, '--overlay', '256M', '--yes', '--unmount', '--json']);
        expectError(run, 'TARGET_HOLDS_SOURCE', 4);
        expect(mountedOn(mountPoint as string), 'not unmounted').toBe(true);
        expect(await sha256(disk)).toBe(before);
      });
    });
  });
});

describe('T3: symlinks, /dev/disk/by-* links and partitions resolve to the whole disk', () => {
  it('a by-id style link to a loop device: the plan and the output name /dev/loopN', async () => {
    const image = stickImage('by-id.img');
    await withLoop(image, async (disk) => {
      const byId = path.join(scratch, 'disk', 'by-id');
      mkdirSync(byId, { recursive: true });
      const link = path.join(byId, 'usb-Stickwright_Test_Stick_0001-0:0');
      symlinkSync(path.relative(byId, disk), link);
      const json = await cli(write(link, '--dry-run', '--json'));
      expect(json.code, json.stderr).toBe(0);
      expect((JSON.parse(json.stdout) as { target: { path: string; kind: string } }).target).toMatchObject({ path: disk, kind: 'block' });
      const human = await cli(write(link, '--dry-run'));
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toContain(disk);
    });
  });

  it('a partition, and a link to a partition: TARGET_NOT_WHOLE_DISK naming the resolved partition and its disk', async () => {
    const image = stickImage('partition.img', 256 * MiB);
    await withLoop(image, async (disk) => {
      const link = path.join(scratch, 'usb-Stick-part1');
      symlinkSync(`${disk}p1`, link);
      const before = await sha256(disk);
      for (const target of [`${disk}p1`, link]) {
        const error = expectError(await cli(write(target, '--yes', '--json')), 'TARGET_NOT_WHOLE_DISK', 4);
        expect(error.error.data).toMatchObject({ path: `${disk}p1`, disk });
      }
      expect(await sha256(disk)).toBe(before);
    });
  });

  it('the link re-pointed to another disk while the question is asked: the disk that was named and confirmed is written, the other is not touched', async () => {
    const [first, second] = [stickImage('race-a.img'), stickImage('race-b.img')];
    await withLoop(first, (a) =>
      withLoop(second, async (b) => {
        const link = path.join(scratch, 'usb-Race');
        symlinkSync(a, link);
        const secondBefore = await sha256(b);
        const run = await onTerminal(write(link), (output) => {
          if (!QUESTION.test(output)) return null;
          expect(output).toContain(`Everything on ${a} `);
          unlinkSync(link);
          symlinkSync(b, link);
          return 'yes\r';
        });
        expect(run.code, run.output).toBe(0);
        expect(readPartitions(first).map((p) => p.type)).toEqual(['83', 'ef']);
        expect(await sha256(b), 'the disk the link points to now').toBe(secondBefore);
      }),
    );
  });
});

describe('T3 race, at the open: the opened device is the one checked (st_rdev)', () => {
  it('a handle on another loop device than the one checked: TARGET_CHANGED; on the same one: passes', async () => {
    const [first, second] = [stickImage('open-a.img', 64 * MiB), stickImage('open-b.img', 64 * MiB)];
    await withLoop(first, (a) =>
      withLoop(second, async (b) => {
        const link = path.join(scratch, 'usb-Open-Race');
        symlinkSync(a, link);
        const identity = readTargetIdentity(await resolveTarget({ path: link, sourcePath: iso, mode: 'check' }));
        expect(identity?.path).toBe(a);
        // The link re-pointed after the check; what a path-based open would now get is b.
        unlinkSync(link);
        symlinkSync(b, link);
        const [fdA, fdLink] = [openSync(a, 'r'), openSync(link, 'r')];
        try {
          expect(() => checkOpenedTarget(fstatSync(fdA), identity!)).not.toThrow();
          expect(() => checkOpenedTarget(fstatSync(fdLink), identity!)).toThrow(/TARGET_CHANGED/);
        } finally {
          closeSync(fdA);
          closeSync(fdLink);
          unlinkSync(link);
        }
      }),
    );
  });
});

describe('T4: the target is checked again right before the first write', () => {
  /** Detaches `device` and attaches `image` at the same /dev/loopN (another stick in the same slot). */
  function swapBacking(device: string, image: string): void {
    execFileSync('losetup', ['--detach', device]);
    for (let i = 0; ; i++) {
      const run = spawnSync('losetup', [device, image], { encoding: 'utf8' });
      if (run.status === 0) return;
      if (i >= 20) throw new Error(`losetup ${device} ${image}: ${run.stderr}`);
      spawnSync('sleep', ['0.1']);
    }
  }

  for (const [name, otherSize] of [
    ['the same size', GiB],
    ['another size', GiB + 256 * MiB],
  ] as const) {
    it(`a different image of ${name} at the same /dev/loopN while the question is asked: TARGET_CHANGED, exit 4, neither image changed`, async () => {
      const chosen = stickImage(`chosen-${otherSize}.img`);
      const other = stickImage(`other-${otherSize}.img`, otherSize);
      const [chosenBefore, otherBefore] = await Promise.all([sha256(chosen), sha256(other)]);
      const device = attachLoop(chosen);
      try {
        const run = await onTerminal(write(device), (output) => {
          if (!QUESTION.test(output)) return null;
          swapBacking(device, other);
          return 'yes\r';
        });
        expect(run.code, run.output).toBe(4);
        expect(run.output).toMatch(/stickwright: error TARGET_CHANGED: .*not the device that was chosen/);
        expect(run.output).toMatch(name === 'the same size' ? /loopBackingInode|diskseq/ : /size/);
      } finally {
        detachLoop(device);
      }
      expect(await sha256(other), 'the image put in its place').toBe(otherBefore);
      expect(await sha256(chosen), 'the image chosen').toBe(chosenBefore);
    });
  }

  it('inside the pipeline: the image swapped after the engine\'s own check, before the partition phase: TARGET_CHANGED, nothing written', async () => {
    const chosen = stickImage('pipeline-chosen.img');
    const other = stickImage('pipeline-other.img');
    const otherBefore = await sha256(other);
    const device = attachLoop(chosen);
    try {
      const target = await resolveTarget({ path: device, sourcePath: iso, mode: 'check' });
      const identity = readTargetIdentity(target);
      expect(identity?.facts.loopBackingFile).toBe(chosen);
      const phases: string[] = [];
      const error = await guardedWrite(
        { isoPath: iso, target: device, options: { fs: 'ext4', overlaySize: 256 * MiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' }, expectedSize: target.size },
        {
          onPhase: (phase) => {
            phases.push(phase);
            // The engine's preflight has not yet looked at the target: the swap passes its size check.
            if (phase === 'preflight') swapBacking(device, other);
          },
        },
        new AbortController().signal,
        { expectedIdentity: identity },
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StickwrightError);
      expect((error as StickwrightError).code).toBe('TARGET_CHANGED');
      expect((error as StickwrightError).data.targetTouched).toBe(false);
      expect(phases).toEqual(['preflight']);
    } finally {
      detachLoop(device);
    }
    expect(await sha256(other)).toBe(otherBefore);
    expect(readPartitions(chosen).map((p) => p.type)).toEqual(['c', '83']);
  });
});

describe('T8: a mounted target', () => {
  it('without --unmount (--yes does not imply it): TARGET_MOUNTED naming every mounted partition; nothing written', async () => {
    const image = stickImage('mounted.img', 512 * MiB);
    await withLoop(image, async (disk) => {
      for (const part of [`${disk}p1`, `${disk}p2`]) execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', part]);
      await withMounts([`${disk}p1`, `${disk}p2`], async (mountPoints) => {
        const before = await sha256(disk);
        const error = expectError(await cli(write(disk, '--yes', '--json')), 'TARGET_MOUNTED', 4);
        for (const mountPoint of mountPoints) expect(error.error.message).toContain(mountPoint);
        expect(String(error.error.data.mounted).split('\n')).toEqual([`${disk}p1 on ${mountPoints[0]}`, `${disk}p2 on ${mountPoints[1]}`]);
        const human = await cli(write(disk, '--yes'));
        expect(human.code).toBe(4);
        expect(human.stderr).toMatch(/stickwright: error TARGET_MOUNTED: .*--unmount/);
        // --dry-run --unmount says what it would unmount, and changes nothing.
        const dry = await cli(write(disk, '--dry-run', '--unmount'));
        expect(dry.code, dry.stderr).toBe(0);
        for (const mountPoint of mountPoints) expect(dry.stdout).toContain(`from ${mountPoint} first`);
        for (const mountPoint of mountPoints) expect(mountedOn(mountPoint)).toBe(true);
        expect(await sha256(disk)).toBe(before);
      });
    });
  });

  it('with --unmount, while a process has its cwd inside: UNMOUNT_FAILED, still mounted, nothing written', async () => {
    const image = stickImage('busy-mount.img', 512 * MiB);
    await withLoop(image, async (disk) => {
      execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', `${disk}p2`]);
      await withMounts([`${disk}p2`], async ([mountPoint]) => {
        const dir = mountPoint as string;
        const sitter = spawn('sleep', ['600'], { cwd: dir, stdio: 'ignore' });
        try {
          const before = await sha256(disk);
          const error = expectError(await cli(write(disk, '--yes', '--unmount', '--json')), 'UNMOUNT_FAILED', 4);
          expect(error.error.message).toContain(dir);
          expect(error.error.data.targetTouched).toBe(false);
          expect(mountedOn(dir)).toBe(true);
          expect(await sha256(disk)).toBe(before);
        } finally {
          sitter.kill('SIGKILL');
          await new Promise((resolve) => sitter.once('exit', resolve));
        }
      });
    });
  });

  it('with --unmount: unmounted (said so), then written', async () => {
    const image = stickImage('unmount-then-write.img');
    await withLoop(image, async (disk) => {
      execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', `${disk}p2`]);
      await withMounts([`${disk}p2`], async ([mountPoint]) => {
        const run = await cli(write(disk, '--yes', '--unmount', '--json'));
        const why = `${run.stdout}\n${run.stderr}`;
        expect(run.code, why).toBe(0);
        const events = eventsOf(run);
        expect(events.at(-1)?.type, why).toBe('result');
        expect(events.some((e) => e.type === 'log' && e.message.includes(`unmounting ${disk}p2 from ${mountPoint}`)), why).toBe(true);
        expect(mountedOn(mountPoint as string)).toBe(false);
      });
      expect(readPartitions(image).map((p) => p.type)).toEqual(['83', 'ef']);
    });
  });
});

/** One job through the built worker (as main starts it when root), stdin open until it answers. */
function runWorkerJob(job: Record<string, unknown>): Promise<{ code: number | null; events: WorkerEvent[] }> {
  const worker = path.join(scratch, 'worker.js');
  if (!existsSync(worker)) copyFileSync(path.resolve('dist/worker.js'), worker);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ELECTRON_RUN_AS_NODE: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
    const events: WorkerEvent[] = [];
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const event = WorkerEvent.parse(JSON.parse(pending.slice(0, newline)));
        pending = pending.slice(newline + 1);
        events.push(event);
        if (event.type === 'result' || event.type === 'error') child.stdin.end();
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.write(`${JSON.stringify(job)}\n`);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, events }));
  });
}

describe('T8 through the worker (the app\'s consent travels in the job)', () => {
  it('a write job without unmount: TARGET_MOUNTED, nothing written; with unmount: true: unmounted, then written', async () => {
    const image = stickImage('worker-mounted.img');
    await withLoop(image, async (disk) => {
      execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', `${disk}p2`]);
      const size = Number(execFileSync('blockdev', ['--getsize64', disk], { encoding: 'utf8' }).trim());
      const job = (unmount: boolean) => ({
        v: 1,
        id: `worker-unmount-${String(unmount)}`,
        kind: 'write',
        isoPath: iso,
        target: disk,
        expectedSize: size,
        options: { fs: 'ext4', overlaySize: 256 * MiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' },
        verify: true,
        ...(unmount ? { unmount: true } : {}),
      });
      await withMounts([`${disk}p2`], async ([mountPoint]) => {
        const before = await sha256(disk);
        const refused = await runWorkerJob(job(false));
        const last = refused.events.at(-1) as ErrorEvent;
        expect(last.type, JSON.stringify(last)).toBe('error');
        expect(last.error.code).toBe('TARGET_MOUNTED');
        expect(last.error.message).toContain(mountPoint);
        expect(refused.code).toBe(4);
        expect(mountedOn(mountPoint as string)).toBe(true);
        expect(await sha256(disk)).toBe(before);

        const written = await runWorkerJob(job(true));
        expect(written.events.at(-1)?.type, JSON.stringify(written.events.at(-1))).toBe('result');
        expect(written.code).toBe(0);
        expect(written.events.some((e) => e.type === 'log' && e.message.includes(`unmounting ${disk}p2 from ${mountPoint}`))).toBe(true);
        expect(mountedOn(mountPoint as string)).toBe(false);
      });
      expect(readPartitions(image).map((p) => p.type)).toEqual(['83', 'ef']);
    });
  });
});

describe('T9: exclusive open, no fallback', () => {
  it('another process holds the device O_EXCL: TARGET_BUSY, exit 4, not a byte written', async () => {
    const image = stickImage('held.img');
    await withLoop(image, async (device) => {
      const before = await sha256(device);
      const holder = await holdExclusively(device);
      try {
        const error = expectError(await cli(write(device, '--yes', '--json')), 'TARGET_BUSY', 4);
        expect(error.error.data.targetTouched).toBe(false);
      } finally {
        holder.kill('SIGKILL');
        await new Promise((resolve) => holder.once('exit', resolve));
      }
      expect(await sha256(device)).toBe(before);
    });
  });
});
