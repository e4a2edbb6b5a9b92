// `stickwright write` as users and scripts run it (the built CLI): every precondition is
// checked before the first byte is written — a refusal has its code and exit status, in the
// one-line stderr form and as the last event of the --json stream, and the target is exactly
// as it was (hash and stat of the image file or loop device; a new image file is not even
// created). Then the honest side: the --json event stream of a good write, --dry-run, the
// question on a terminal, and cancellation by SIGINT/SIGTERM (exit 130, a CANCELLED event, no
// partition table, no loop device, child process or staging directory left behind).
//
// Only image files and loop devices this file creates are used (losetup -f, never a fixed
// number); all of them are detached and unmounted in finally blocks and again in afterAll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  createReadStream,
  existsSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkerEvent } from '../shared/contract/events';
import { fixtureFile } from './fixtures/fixture';
import { readPartitions } from './stickChecks';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

let scratch: string;
let CLI: string;
let iso: string;
let rawIso: string;
let isoHash: string;
/** Loop devices this file attached (the sweep in afterAll also finds any over scratch files). */
const ourLoops = new Set<string>();

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-write-cli-'));
  // One built CLI for the whole file, copied so that a rebuild of dist/ by someone else while
  // this runs cannot pull it from under a test.
  const built = path.resolve('dist/cli.js');
  if (!existsSync(built)) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` first');
  CLI = path.join(scratch, 'cli.js');
  copyFileSync(built, CLI);
  if (existsSync(`${built}.map`)) copyFileSync(`${built}.map`, `${CLI}.map`);
  const version = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error(`the copied CLI does not run: ${version.stderr}`);
  iso = fixtureFile('liveos', 'image.iso');
  rawIso = fixtureFile('iso-rawonly', 'image.iso');
  isoHash = await sha256(iso);
});

afterAll(async () => {
  if (!scratch) return;
  // Whatever a failed test left: mounts under scratch, then loop devices over scratch files.
  const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint.startsWith(`${scratch}/`))
    .reverse();
  for (const mountPoint of mountPoints) spawnSync('umount', ['-l', mountPoint]);
  for (const loop of [...ourLoops, ...loopsOver(scratch)]) spawnSync('losetup', ['--detach', loop]);
  rmSync(scratch, { recursive: true, force: true });
  // Every test ran with it as the source, many also as the target.
  if (isoHash) expect(await sha256(iso), 'the fixture ISO changed').toBe(isoHash);
});

// ---------------------------------------------------------------------------------------------
// Running the CLI

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

interface RunOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Written to stdin (a pipe, never a terminal), then closed. */
  readonly input?: string;
  /** Own process group, so a "Ctrl-C" can go to the CLI and its children together. */
  readonly detached?: boolean;
  readonly onStdoutLine?: (line: string, child: ChildProcess) => void;
  readonly onStderrLine?: (line: string, child: ChildProcess) => void;
}

function cli(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      detached: options.detached ?? false,
    });
    let stdout = '';
    let stderr = '';
    const lineSplitter = (onLine: ((line: string, child: ChildProcess) => void) | undefined, append: (text: string) => void) => {
      let pending = '';
      return (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        append(text);
        pending += text;
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          onLine?.(pending.slice(0, newline), child);
          pending = pending.slice(newline + 1);
        }
      };
    };
    child.stdout.on('data', lineSplitter(options.onStdoutLine, (text) => (stdout += text)));
    child.stderr.on('data', lineSplitter(options.onStderrLine, (text) => (stderr += text)));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, startedAt, endedAt: performance.now() }));
  });
}

/** stdout of `write --json`: every line one WorkerEvent (v:1, strict shapes). */
function eventsOf(run: Run): WorkerEvent[] {
  expect(run.stdout.endsWith('\n'), `stdout ends with a newline: ${run.stdout}`).toBe(true);
  return run.stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      let parsed: unknown;
      expect(() => (parsed = JSON.parse(line)), `not JSON: ${line}`).not.toThrow();
      const event = WorkerEvent.safeParse(parsed);
      expect(event.success, `not a WorkerEvent: ${line}`).toBe(true);
      return event.data as WorkerEvent;
    });
}

type ErrorEvent = Extract<WorkerEvent, { type: 'error' }>;

/** The --json form of a refusal: a stream of events whose one terminal event is the error. */
function expectErrorEvent(run: Run, code: string, exit: number): ErrorEvent {
  const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.code, why).toBe(exit);
  expect(run.stderr, why).toBe('');
  const events = eventsOf(run);
  expect(events.filter((e) => e.type === 'result' || e.type === 'error'), why).toHaveLength(1);
  const last = events.at(-1);
  expect(last?.type, why).toBe('error');
  const error = last as ErrorEvent;
  expect(error.error.code, why).toBe(code);
  expect(error.error.message.startsWith(`${code}: `), why).toBe(true);
  return error;
}

/** The human form: nothing on stdout, and stderr ends with the one error line (no stack). */
function expectErrorLine(run: Run, code: string, exit: number): string {
  const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.code, why).toBe(exit);
  expect(run.stdout, why).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  // At most the preflight's "Checking…" line before it.
  expect(lines.length, why).toBeLessThanOrEqual(2);
  if (lines.length === 2) expect(lines[0], why).toBe('Checking the image and the target…');
  const last = lines.at(-1) ?? '';
  expect(last, why).toMatch(new RegExp(`^stickwright: error ${code}: `));
  expect(run.stderr, why).not.toMatch(/^\s+at /m);
  return last;
}

// ---------------------------------------------------------------------------------------------
// Targets and how to tell they were not touched

const OLD_STICK_RANDOM = [0, 4 * MiB, 8 * MiB, 12 * MiB, 16 * MiB];

/** A used stick: random bytes where a write would start (first MiBs, every 4 MiB up to 16 MiB,
 *  the last MiB) and an MBR with two partitions. Sparse elsewhere. */
function oldStick(name: string, size: number): string {
  const file = path.join(scratch, name);
  const fd = openSync(file, 'wx');
  try {
    ftruncateSync(fd, size);
    const chunk = Buffer.alloc(MiB);
    for (const at of [...OLD_STICK_RANDOM, size - MiB]) {
      randomFillSync(chunk);
      writeSync(fd, chunk, 0, chunk.length, at);
    }
  } finally {
    closeSync(fd);
  }
  execFileSync('sfdisk', ['-q', file], { input: 'label: dos\n,32M,c\n,,L\n' });
  return file;
}

function sha256(file: string, ranges?: ReadonlyArray<readonly [number, number]>): Promise<string> {
  const hash = createHash('sha256');
  const parts = ranges ?? [[0, Infinity] as const];
  return parts
    .reduce(
      (done, [start, length]) =>
        done.then(
          () =>
            new Promise<void>((resolve, reject) => {
              const stream = createReadStream(file, { start, end: length === Infinity ? undefined : start + length - 1, highWaterMark: 4 * MiB });
              stream.on('data', (chunk) => hash.update(chunk));
              stream.on('error', reject);
              stream.on('end', resolve);
            }),
        ),
      Promise.resolve(),
    )
    .then(() => hash.digest('hex'));
}

/**
 * What must not change: a block device's whole content (ours are at most 128 MiB); an image
 * file's size, mtime and ctime (any write or truncate moves ctime, and nothing can set it back)
 * and the content where a write would start (all of it for small files; for big ones the MiBs
 * oldStick() filled with random bytes, and the last). Not st_blocks: ext4's
 * delayed allocation settles it some time after a file was written, with no write of ours.
 */
async function fingerprint(target: string): Promise<string> {
  const info = statSync(target, { bigint: true });
  if (info.isBlockDevice()) return `block ${await sha256(target)}`;
  const size = Number(info.size);
  const ranges = size > 24 * MiB ? [...OLD_STICK_RANDOM.map((at) => [at, MiB] as const), [size - MiB, MiB] as const] : undefined;
  return `file size=${size} mtime=${info.mtimeNs} ctime=${info.ctimeNs} sha256=${await sha256(target, ranges)}`;
}

/** The fixture ISO is shared by every test: stat on each refusal, its whole hash once at the end. */
function statPrint(file: string): string {
  const info = statSync(file, { bigint: true });
  return `size=${info.size} mtime=${info.mtimeNs} ctime=${info.ctimeNs}`;
}

function attachLoop(image: string, ...flags: string[]): string {
  const device = execFileSync('losetup', ['--find', '--show', ...flags, image], { encoding: 'utf8' }).trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`losetup answered "${device}"`);
  ourLoops.add(device);
  return device;
}

function detachLoop(device: string): void {
  const run = spawnSync('losetup', ['--detach', device], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`losetup --detach ${device}: ${run.stderr}`);
  ourLoops.delete(device);
}

async function withLoop<T>(image: string, flags: readonly string[], body: (device: string) => Promise<T>): Promise<T> {
  const device = attachLoop(image, ...flags);
  try {
    return await body(device);
  } finally {
    detachLoop(device);
  }
}

/** A loop device with its partitions' nodes (/dev/loopNp1…), as udev would make them. */
async function withPartitionedLoop<T>(image: string, body: (device: string) => Promise<T>): Promise<T> {
  return withLoop(image, ['--partscan'], async (device) => {
    if (!existsSync(`${device}p1`)) spawnSync('partx', ['--add', device]);
    for (let i = 0; i < 50 && !existsSync(`${device}p1`); i++) await sleep(100);
    if (!existsSync(`${device}p1`)) throw new Error(`no ${device}p1 after losetup --partscan and partx --add`);
    return body(device);
  });
}

async function withMount<T>(device: string, body: (mountPoint: string) => Promise<T>): Promise<T> {
  const mountPoint = mkdtempSync(path.join(scratch, 'mnt-'));
  execFileSync('mount', [device, mountPoint]);
  try {
    return await body(mountPoint);
  } finally {
    if (spawnSync('umount', [mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint]);
  }
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

/** `pgrep -af TEXT` without procps: processes whose command line contains `text`. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue; // gone meanwhile
    }
    if (cmdline.includes(text) && Number(pid) !== process.pid) found.push(`${pid} ${cmdline}`);
  }
  return found;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const fresh = (name: string) => path.join(scratch, name);

// ---------------------------------------------------------------------------------------------
// Refusals: each runs twice at once — people's form without --yes (so the check must come
// before the question), scripts' form with --json and --yes (the check holds even with consent).

interface Refusal {
  readonly args: readonly string[];
  /** Paths whose fingerprint must be the same afterwards. */
  readonly untouched?: readonly string[];
  /** Paths that must still not exist afterwards. */
  readonly absent?: readonly string[];
  /** Don't add --yes to the --json run (the case is about the missing --yes). */
  readonly noYes?: boolean;
}

async function expectRefusal(refusal: Refusal, code: string, exit: number): Promise<{ line: string; event: ErrorEvent }> {
  const untouched = refusal.untouched ?? [];
  const before = await Promise.all(untouched.map(fingerprint));
  const isoBefore = statPrint(iso);
  const [human, json] = await Promise.all([cli(refusal.args), cli([...refusal.args, '--json', ...(refusal.noYes ? [] : ['--yes'])])]);
  const line = expectErrorLine(human, code, exit);
  const event = expectErrorEvent(json, code, exit);
  expect(await Promise.all(untouched.map(fingerprint))).toEqual(before);
  expect(statPrint(iso), 'the fixture ISO').toBe(isoBefore);
  for (const file of refusal.absent ?? []) expect(existsSync(file), `${file} was created`).toBe(false);
  return { line, event };
}

const write = (isoPath: string, target: string, ...more: string[]) => ['write', '--iso', isoPath, '--target', target, ...more];

describe.concurrent('write refuses a bad source before touching the target', () => {
  const sources: Array<[string, () => string, string]> = [
    ['a missing ISO', () => fresh('no-such.iso'), 'SOURCE_NOT_FOUND'],
    ['a directory as the ISO', () => scratch, 'SOURCE_IS_DIRECTORY'],
    ['an ISO with no live layout (iso-rawonly)', () => rawIso, 'NO_LIVE_LAYOUT'],
  ];
  for (const [name, source, code] of sources) {
    it(`${name}: ${code}, exit 3; a new image file is not created`, async () => {
      const target = fresh(`src-${code}-new.img`);
      await expectRefusal({ args: write(source(), target, '--size', '1G', '--overlay', '256M'), absent: [target] }, code, 3);
    });
    it(`${name}: ${code}, exit 3; an existing stick is untouched`, async () => {
      const target = oldStick(`src-${code}-old.img`, GiB);
      await expectRefusal({ args: write(source(), target, '--overlay', '256M'), untouched: [target] }, code, 3);
    });
  }
});

describe.concurrent('write refuses targets that are not a whole, free, writable disk or an image file', () => {
  it('a device path that does not exist: TARGET_NOT_FOUND, exit 4', async () => {
    await expectRefusal({ args: write(iso, '/dev/does-not-exist', '--overlay', '256M'), absent: ['/dev/does-not-exist'] }, 'TARGET_NOT_FOUND', 4);
  });

  it('a device path that does not exist, even with --size: TARGET_NOT_FOUND (nothing is created under /dev)', async () => {
    await expectRefusal({ args: write(iso, '/dev/sw-test-nothing-here', '--size', '1G', '--overlay', '256M'), absent: ['/dev/sw-test-nothing-here'] }, 'TARGET_NOT_FOUND', 4);
  });

  it('a missing image file without --size: TARGET_SIZE_REQUIRED, exit 2, not created', async () => {
    const target = fresh('no-size.img');
    await expectRefusal({ args: write(iso, target, '--overlay', '256M'), absent: [target] }, 'TARGET_SIZE_REQUIRED', 2);
  });

  it('a new image file in a directory that does not exist: TARGET_NOT_FOUND, nothing created', async () => {
    const target = fresh('no-such-dir/stick.img');
    await expectRefusal({ args: write(iso, target, '--size', '1G', '--overlay', '256M'), absent: [path.dirname(target)] }, 'TARGET_NOT_FOUND', 4);
  });

  it('a dangling symlink as target: TARGET_NOT_FOUND, the link is not followed into a new file', async () => {
    const link = fresh('dangling-link.img');
    const pointsAt = fresh('dangling-target.img');
    symlinkSync(pointsAt, link);
    await expectRefusal({ args: write(iso, link, '--size', '1G', '--overlay', '256M'), absent: [pointsAt] }, 'TARGET_NOT_FOUND', 4);
    expect(readlinkSync(link)).toBe(pointsAt);
  });

  it('a directory as target: TARGET_NOT_USABLE, exit 4', async () => {
    const dir = fresh('a-directory');
    mkdirSync(dir);
    const { event } = await expectRefusal({ args: write(iso, dir, '--overlay', '256M') }, 'TARGET_NOT_USABLE', 4);
    expect(event.error.data.path).toBe(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a character device (/dev/null) as target: TARGET_NOT_USABLE', async () => {
    await expectRefusal({ args: write(iso, '/dev/null', '--overlay', '256M') }, 'TARGET_NOT_USABLE', 4);
  });

  it('an empty image file without --size: TARGET_SIZE_REQUIRED, untouched', async () => {
    const target = fresh('empty.img');
    closeSync(openSync(target, 'wx'));
    await expectRefusal({ args: write(iso, target, '--overlay', '256M'), untouched: [target] }, 'TARGET_SIZE_REQUIRED', 2);
  });

  it('a partition instead of the whole disk: TARGET_NOT_WHOLE_DISK naming /dev/loopN', async () => {
    const image = oldStick('partitioned.img', 64 * MiB);
    await withPartitionedLoop(image, async (disk) => {
      for (const partition of [`${disk}p1`, `${disk}p2`]) {
        const { line, event } = await expectRefusal({ args: write(iso, partition, '--overlay', '256M'), untouched: [partition, disk] }, 'TARGET_NOT_WHOLE_DISK', 4);
        expect(event.error.data).toMatchObject({ path: partition, disk });
        expect(line).toContain(`partition of ${disk}`);
      }
    });
  });

  it('a mounted target: TARGET_MOUNTED naming the mount point, also for the image file behind the loop device', async () => {
    const image = oldStick('mounted.img', 128 * MiB);
    await withPartitionedLoop(image, async (disk) => {
      // No lazy init: the kernel must not write to the mounted filesystem by itself meanwhile.
      execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', `${disk}p2`]);
      await withMount(`${disk}p2`, async (mountPoint) => {
        const viaDisk = await expectRefusal({ args: write(iso, disk, '--overlay', '256M'), untouched: [disk] }, 'TARGET_MOUNTED', 4);
        expect(viaDisk.event.error.data.mountPoint).toBe(mountPoint);
        expect(viaDisk.line).toContain(mountPoint);
        // The file a mounted loop device reads from is just as busy.
        const viaFile = await expectRefusal({ args: write(iso, image, '--overlay', '256M') }, 'TARGET_MOUNTED', 4);
        expect(viaFile.event.error.data.mountPoint).toBe(mountPoint);
      });
    });
  });

  it('a disk holding the ISO on a mounted partition (T2): TARGET_HOLDS_SOURCE', async () => {
    const image = oldStick('holds-iso.img', 128 * MiB);
    await withPartitionedLoop(image, async (disk) => {
      execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', `${disk}p2`]);
      await withMount(`${disk}p2`, async (mountPoint) => {
        const isoOnTarget = path.join(mountPoint, 'live.iso');
        copyFileSync(iso, isoOnTarget);
        await expectRefusal({ args: write(isoOnTarget, disk, '--overlay', '256M'), untouched: [isoOnTarget] }, 'TARGET_HOLDS_SOURCE', 4);
      });
    });
  });

  it('a read-only target (losetup --read-only): TARGET_READ_ONLY', async () => {
    const image = oldStick('read-only.img', 64 * MiB);
    await withLoop(image, ['--read-only'], async (device) => {
      await expectRefusal({ args: write(iso, device, '--overlay', '256M'), untouched: [device, image] }, 'TARGET_READ_ONLY', 4);
    });
  });

  it('a 300 MiB stick with the default 2 GiB overlay: TARGET_TOO_SMALL with needBytes/haveBytes/shortBy', async () => {
    const target = oldStick('small.img', 300 * MiB);
    const { event, line } = await expectRefusal({ args: write(iso, target), untouched: [target] }, 'TARGET_TOO_SMALL', 4);
    const data = event.error.data as { needBytes: number; haveBytes: number; shortBy: number };
    expect(data.haveBytes).toBe(300 * MiB);
    expect(data.needBytes).toBeGreaterThan(2 * GiB);
    expect(data.shortBy).toBe(data.needBytes - data.haveBytes);
    expect(line).toMatch(/short/);
  });

  it('a 100 MiB loop device: TARGET_TOO_SMALL, untouched', async () => {
    const image = oldStick('small-loop.img', 100 * MiB);
    await withLoop(image, [], async (device) => {
      const { event } = await expectRefusal({ args: write(iso, device), untouched: [device] }, 'TARGET_TOO_SMALL', 4);
      expect(event.error.data.haveBytes).toBe(100 * MiB);
    });
  });

  it('a new 300 MiB image file: TARGET_TOO_SMALL, and the file is not created', async () => {
    const target = fresh('small-new.img');
    await expectRefusal({ args: write(iso, target, '--size', '300M'), absent: [target] }, 'TARGET_TOO_SMALL', 4);
  });

  it('an existing image smaller than --size is not grown when the plan is refused', async () => {
    const target = oldStick('grow-refused.img', 300 * MiB);
    await expectRefusal({ args: write(iso, target, '--size', '1G', '--label', 'BAD LABEL'), untouched: [target] }, 'LABEL_INVALID', 2);
  });
});

describe.concurrent('write refuses the ISO itself as the target', () => {
  it('the ISO file given as the target: TARGET_HOLDS_SOURCE', async () => {
    const { event } = await expectRefusal({ args: write(iso, iso, '--overlay', '256M') }, 'TARGET_HOLDS_SOURCE', 4);
    expect(event.error.data.path).toBe(iso);
  });

  it('a symlink to the ISO: TARGET_HOLDS_SOURCE naming the real file', async () => {
    const link = fresh('iso-link.img');
    symlinkSync(iso, link);
    const { event } = await expectRefusal({ args: write(iso, link, '--overlay', '256M') }, 'TARGET_HOLDS_SOURCE', 4);
    expect(event.error.data.path).toBe(iso);
  });

  it('a hard link to the ISO: TARGET_HOLDS_SOURCE', async () => {
    const copy = fresh('own.iso');
    copyFileSync(iso, copy);
    const hard = fresh('own-hardlink.img');
    linkSync(copy, hard);
    await expectRefusal({ args: write(copy, hard, '--overlay', '256M'), untouched: [copy] }, 'TARGET_HOLDS_SOURCE', 4);
  });

  it('a loop device over the ISO: TARGET_HOLDS_SOURCE', async () => {
    const copy = fresh('looped.iso');
    copyFileSync(iso, copy);
    await withLoop(copy, [], async (device) => {
      await expectRefusal({ args: write(copy, device, '--overlay', '256M'), untouched: [copy, device] }, 'TARGET_HOLDS_SOURCE', 4);
    });
  });
});

describe.concurrent('write refuses bad options and asks before erasing', () => {
  it('an existing stick without --yes, stdin not a terminal: CONFIRMATION_REQUIRED, exit 2, untouched', async () => {
    const target = oldStick('no-yes.img', GiB);
    const { event } = await expectRefusal({ args: write(iso, target, '--overlay', '256M'), untouched: [target], noYes: true }, 'CONFIRMATION_REQUIRED', 2);
    expect(event.phase).toBe('preflight');
    // "yes" on a pipe is not a person's answer.
    const before = await fingerprint(target);
    expectErrorLine(await cli(write(iso, target, '--overlay', '256M'), { input: 'yes\n' }), 'CONFIRMATION_REQUIRED', 2);
    expect(await fingerprint(target)).toBe(before);
  });

  it('vfat with --overlay 4G: VFAT_FILE_TOO_LARGE, exit 2', async () => {
    const target = fresh('vfat-4g.img');
    await expectRefusal({ args: write(iso, target, '--size', '8G', '--fs', 'vfat', '--overlay', '4G'), absent: [target] }, 'VFAT_FILE_TOO_LARGE', 2);
  });

  it('vfat with --overlay 4G on an existing 8 GiB stick: VFAT_FILE_TOO_LARGE, untouched', async () => {
    const target = oldStick('vfat-4g-old.img', 8 * GiB);
    await expectRefusal({ args: write(iso, target, '--fs', 'vfat', '--overlay', '4G'), untouched: [target] }, 'VFAT_FILE_TOO_LARGE', 2);
  });

  it('a label with a space: LABEL_INVALID, exit 2', async () => {
    const target = oldStick('label.img', GiB);
    await expectRefusal({ args: write(iso, target, '--overlay', '256M', '--label', 'MY STICK'), untouched: [target] }, 'LABEL_INVALID', 2);
  });

  it('a label too long for ext4: LABEL_INVALID', async () => {
    const target = fresh('label-long.img');
    await expectRefusal({ args: write(iso, target, '--size', '1G', '--overlay', '256M', '--label', 'A_VERY_LONG_LABEL_X'), absent: [target] }, 'LABEL_INVALID', 2);
  });

  const usage: Array<[string, string[]]> = [
    ['--fs btrfs', ['--fs', 'btrfs']],
    ['--overlay banana', ['--overlay', 'banana']],
    ['--home banana', ['--home', 'banana']],
    ['--size banana', ['--size', 'banana']],
    ['an unknown option', ['--frobnicate']],
    ['a positional argument', ['extra']],
  ];
  for (const [name, extra] of usage) {
    it(`${name}: USAGE, exit 2, untouched (an error event with phase null under --json)`, async () => {
      const target = oldStick(`usage-${name.replace(/\W+/g, '-')}.img`, GiB);
      const { event } = await expectRefusal({ args: [...write(iso, target, '--overlay', '256M'), ...extra], untouched: [target] }, 'USAGE', 2);
      expect(event.phase).toBeNull();
    });
  }

  it('no --iso or no --target: USAGE', async () => {
    const target = fresh('usage-missing.img');
    await expectRefusal({ args: ['write', '--target', target, '--size', '1G'], absent: [target] }, 'USAGE', 2);
    await expectRefusal({ args: ['write', '--iso', iso] }, 'USAGE', 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Successful writes and dry runs

/** The pipeline's order (GUIDE.md). A write goes through a subsequence of it, each phase once. */
const PIPELINE = ['preflight', 'partition', 'format', 'copy', 'persist', 'boot', 'flush', 'verify'] as const;

describe.concurrent('a successful write', () => {
  it('--json to a new 1 GiB virtual stick: v:1 events, phases in order, honest progress, one result last', async () => {
    const target = fresh('good.img');
    const run = await cli(write(iso, target, '--size', '1G', '--overlay', '256M', '--json'));
    const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(run.code, why).toBe(0);
    expect(run.stderr, why).toBe('');
    const events = eventsOf(run);
    expect(events.every((e) => e.v === 1 && e.jobId === 'cli')).toBe(true);

    // Phases: a subsequence of the pipeline, each once, with preflight, partition, boot,
    // flush and verify present and the live filesystem made (format and/or copy).
    const phases = events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
    expect(new Set(phases).size, why).toBe(phases.length);
    const order = phases.map((p) => PIPELINE.indexOf(p as (typeof PIPELINE)[number]));
    expect(order.every((i) => i >= 0), why).toBe(true);
    expect([...order].sort((a, b) => a - b), why).toEqual(order);
    for (const required of ['preflight', 'partition', 'boot', 'flush', 'verify'] as const) expect(phases, why).toContain(required);
    expect(phases.includes('format') || phases.includes('copy'), why).toBe(true);

    // Progress: tagged with the current phase, monotonic, never past the total, and the total
    // reached only once the flush has begun — in the last progress event.
    let phase: string | null = null;
    let flushStarted = false;
    let last = -1;
    let total: number | null = null;
    const progress: Array<Extract<WorkerEvent, { type: 'progress' }>> = [];
    for (const event of events) {
      if (event.type === 'phase') {
        phase = event.phase;
        if (event.phase === 'flush') flushStarted = true;
      }
      if (event.type !== 'progress') continue;
      progress.push(event);
      expect(event.phase, why).toBe(phase);
      expect(event.bytesDone, why).toBeGreaterThanOrEqual(last);
      expect(event.bytesDone, why).toBeLessThanOrEqual(event.bytesTotal);
      total ??= event.bytesTotal;
      expect(event.bytesTotal, why).toBe(total);
      if (event.bytesDone === event.bytesTotal) expect(flushStarted, `100 % before the flush phase: ${why}`).toBe(true);
      last = event.bytesDone;
    }
    expect(progress.length, why).toBeGreaterThan(0);
    expect(progress.at(-1)?.bytesDone, why).toBe(total);
    expect(progress.filter((p) => p.bytesDone === p.bytesTotal), why).toHaveLength(1);
    // At most ten a second: the meter forces one on each phase change, the rest are limited.
    const seconds = (run.endedAt - run.startedAt) / 1000;
    expect(progress.length, why).toBeLessThanOrEqual(Math.ceil(10 * seconds) + phases.length + 1);

    // Exactly one result, and it is the last line.
    expect(events.filter((e) => e.type === 'result' || e.type === 'error'), why).toHaveLength(1);
    const result = events.at(-1);
    expect(result?.type, why).toBe('result');
    expect((result as { value: { target: string } }).value.target).toBe(target);
    expect(readPartitions(target).map((p) => p.type)).toEqual(['83', 'ef']);
    expect(loopsOver(target)).toEqual([]);
  });

  it('through a symlink to an image file: the link is resolved, the real file is written (people\'s output)', async () => {
    const real = oldStick('symlinked-real.img', GiB);
    const link = fresh('symlinked-link.img');
    symlinkSync(real, link);
    const run = await cli(write(iso, link, '--overlay', '256M', '--yes'));
    const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(run.code, why).toBe(0);
    expect(run.stdout, why).toBe('');
    expect(run.stderr, why).toContain('Checking the image and the target…');
    expect(run.stderr, why).toContain('Flushing to the device…');
    expect(run.stderr, why).toMatch(new RegExp(`^Done in [\\d.]+ s: ${real.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds `, 'm'));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readPartitions(real).map((p) => p.type)).toEqual(['83', 'ef']);
  });
});

describe.concurrent('--dry-run prints the plan and creates or changes nothing', () => {
  it('an existing image: the plan in words and as {ok:true, plan}; the image untouched', async () => {
    const target = oldStick('dry-old.img', GiB);
    const before = await fingerprint(target);
    const [human, json] = await Promise.all([cli(write(iso, target, '--overlay', '256M', '--dry-run')), cli(write(iso, target, '--overlay', '256M', '--dry-run', '--json'))]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`Target: ${target} (image file), 1 GiB`);
    expect(human.stdout).toMatch(/1: live ext4 "LIVE"/);
    expect(human.stdout).toMatch(/Boot entries/);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; target: { path: string; exists: boolean; size: number }; plan: { targetSize: number; partitions: unknown[] } };
    expect(parsed.ok).toBe(true);
    expect(parsed.target).toMatchObject({ path: target, exists: true, size: GiB });
    expect(parsed.plan.targetSize).toBe(GiB);
    expect(parsed.plan.partitions).toHaveLength(2);
    expect(await fingerprint(target)).toBe(before);
  });

  it('a new image file with --size: planned at that size, not created', async () => {
    const target = fresh('dry-new.img');
    const [human, json] = await Promise.all([cli(write(iso, target, '--size', '1G', '--overlay', '256M', '--dry-run')), cli(write(iso, target, '--size', '1G', '--overlay', '256M', '--dry-run', '--json'))]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`Target: ${target} (new image file`);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; target: { exists: boolean }; plan: { targetSize: number } };
    expect(parsed).toMatchObject({ ok: true, target: { exists: false }, plan: { targetSize: GiB } });
    expect(existsSync(target)).toBe(false);
  });

  it('an existing image smaller than --size: planned at --size, not grown', async () => {
    const target = oldStick('dry-grow.img', 300 * MiB);
    const before = await fingerprint(target);
    const json = await cli(write(iso, target, '--size', '1G', '--overlay', '256M', '--dry-run', '--json'));
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { plan: { targetSize: number } }).plan.targetSize).toBe(GiB);
    expect(await fingerprint(target)).toBe(before);
  });

  it('a refused plan: {ok:false, error} with the code, and the exit status', async () => {
    const target = fresh('dry-small.img');
    const json = await cli(write(iso, target, '--size', '300M', '--dry-run', '--json'));
    expect(json.code).toBe(4);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; error: { code: string; data: Record<string, unknown> } };
    expect(parsed).toMatchObject({ ok: false, error: { code: 'TARGET_TOO_SMALL' } });
    expect(parsed.error.data.shortBy).toBeGreaterThan(0);
    expect(existsSync(target)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The question on a terminal (through `script`, which gives the CLI a pty)

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

describe.concurrent('on a terminal, write asks before erasing an existing target', () => {
  const question = (output: string) => /Type "yes" to go on: /.test(output);

  it('answering "no": CONFIRMATION_REQUIRED, untouched', async () => {
    const target = oldStick('tty-no.img', GiB);
    const before = await fingerprint(target);
    const run = await onTerminal(write(iso, target, '--overlay', '256M'), (out) => (question(out) ? 'no\r' : null));
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain(`Everything on ${target} (image file, 1 GiB) will be erased.`);
    expect(run.output).toMatch(/stickwright: error CONFIRMATION_REQUIRED: /);
    expect(await fingerprint(target)).toBe(before);
  });

  it('Ctrl-C at the question: CANCELLED, exit 130, untouched', async () => {
    const target = oldStick('tty-ctrl-c.img', GiB);
    const before = await fingerprint(target);
    const run = await onTerminal(write(iso, target, '--overlay', '256M'), (out) => (question(out) ? '\x03' : null));
    expect(run.code, run.output).toBe(130);
    expect(run.output).toMatch(/stickwright: error CANCELLED: .*nothing was written/);
    expect(await fingerprint(target)).toBe(before);
  });

  it('answering "yes": the stick is written', async () => {
    const target = oldStick('tty-yes.img', GiB);
    const run = await onTerminal(write(iso, target, '--overlay', '256M'), (out) => (question(out) ? 'yes\r' : null));
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/Done in [\d.]+ s/);
    expect(readPartitions(target).map((p) => p.type)).toEqual(['83', 'ef']);
  });
});

// ---------------------------------------------------------------------------------------------
// Cancellation

interface CancelCase {
  readonly name: string;
  /** A signal, or the reader of --json closing its end of the pipe (`| head -1`). */
  readonly signal: 'SIGINT' | 'SIGTERM' | 'close-stdout';
  /** The phase whose start triggers the signal, and how long after it. */
  readonly at: 'copy' | 'format';
  readonly delayMs: number;
  /** Signal the whole process group, as a terminal's Ctrl-C does (children get it too). */
  readonly group: boolean;
  readonly json: boolean;
}

const CANCELS: CancelCase[] = [
  // sload.f2fs is filling the filesystem; it gets the SIGINT as well.
  { name: 'Ctrl-C (SIGINT to the process group) while F2FS is being filled', signal: 'SIGINT', at: 'format', delayMs: 300, group: true, json: true },
  { name: 'SIGTERM to the CLI while the image is being staged', signal: 'SIGTERM', at: 'copy', delayMs: 0, group: false, json: true },
  // Right at the start of format: the loop device is being attached.
  { name: 'SIGINT to the CLI as the format phase starts (people\'s output)', signal: 'SIGINT', at: 'format', delayMs: 0, group: false, json: false },
  // A broken pipe must not crash the CLI mid-write: it cancels, and says so on stderr.
  { name: 'the reader of --json closes the pipe during staging', signal: 'close-stdout', at: 'copy', delayMs: 0, group: false, json: true },
];

const PHASE_LINE: Readonly<Record<CancelCase['at'], string>> = { copy: 'Copying the live image…', format: 'Making the filesystem…' };

describe.concurrent('cancelling a write', () => {
  for (const c of CANCELS) {
    it(`${c.name}: exit 130, CANCELLED, no partition table, nothing left behind`, async () => {
      const slug = c.name.replace(/\W+/g, '-').slice(0, 40);
      // An old stick with a valid partition table: the write must not leave one behind.
      const target = oldStick(`cancel-${slug}.img`, 2 * GiB);
      const staging = mkdtempSync(path.join(scratch, 'staging-'));
      let sentAt = 0;
      const trigger = (child: ChildProcess) => {
        if (sentAt !== 0) return;
        sentAt = -1;
        setTimeout(() => {
          sentAt = performance.now();
          if (c.signal === 'close-stdout') child.stdout?.destroy();
          else if (c.group) process.kill(-(child.pid as number), c.signal);
          else child.kill(c.signal);
        }, c.delayMs);
      };
      const run = await cli(write(iso, target, '--fs', 'f2fs', '--overlay', '1G', '--yes', ...(c.json ? ['--json'] : [])), {
        env: { STICKWRIGHT_STAGING: staging },
        detached: c.group,
        onStdoutLine: (line, child) => {
          if (c.json && line.includes(`"type":"phase","phase":"${c.at}"`)) trigger(child);
        },
        onStderrLine: (line, child) => {
          if (!c.json && line === PHASE_LINE[c.at]) trigger(child);
        },
      });
      const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      expect(sentAt, `the ${c.at} phase never started: ${why}`).toBeGreaterThan(0);
      expect(run.signal, why).toBeNull();
      expect(run.code, why).toBe(130);
      expect(run.endedAt - sentAt, 'seconds from the signal to the exit').toBeLessThan(10_000);

      if (c.signal === 'close-stdout') {
        expect(run.stderr.trimEnd().split('\n').at(-1), why).toMatch(/^stickwright: error CANCELLED: .*no partition table.*written again/);
        expect(run.stderr, why).not.toMatch(/^\s+at /m);
      } else if (c.json) {
        expect(run.stderr, why).toBe('');
        const events = eventsOf(run);
        expect(events.filter((e) => e.type === 'result' || e.type === 'error'), why).toHaveLength(1);
        const last = events.at(-1) as ErrorEvent;
        expect(last.type, why).toBe('error');
        expect(last.error.code, why).toBe('CANCELLED');
        expect(['copy', 'format'], why).toContain(last.phase);
        // It says what state the stick is in: wiped, no partition table, to be written again.
        expect(last.error.message, why).toMatch(/no partition table/);
        expect(last.error.message, why).toMatch(/written again/);
        expect(last.error.data.targetTouched, why).toBe(true);
        expect(events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.startsWith(`${c.signal}:`)), why).toBe(true);
      } else {
        expect(run.stdout, why).toBe('');
        expect(run.stderr.trimEnd().split('\n').at(-1), why).toMatch(/^stickwright: error CANCELLED: .*no partition table.*written again/);
      }

      // No partition table: the old one was wiped, the new one is only ever written last.
      const table = spawnSync('sfdisk', ['--json', target], { encoding: 'utf8' });
      if (table.status === 0) expect((JSON.parse(table.stdout) as { partitiontable: { partitions?: unknown[] } }).partitiontable.partitions ?? [], table.stdout).toEqual([]);
      const probe = spawnSync('blkid', ['-p', '-o', 'export', target], { encoding: 'utf8' });
      expect(probe.stdout, 'blkid -p finds no partition table').not.toMatch(/PTTYPE=/);
      // Nothing left behind: loop devices, staging, child programs.
      expect(execFileSync('losetup', ['--associated', target], { encoding: 'utf8' }), 'loop devices over the target').toBe('');
      expect(loopsOver(target)).toEqual([]);
      expect(readdirSync(staging), 'staging directory').toEqual([]);
      for (const text of [target, staging]) {
        let left = processesMentioning(text);
        for (let i = 0; i < 20 && left.length; i++) {
          await sleep(100);
          left = processesMentioning(text);
        }
        expect(left, `processes still running with ${text} in their arguments`).toEqual([]);
      }
    });
  }
});
