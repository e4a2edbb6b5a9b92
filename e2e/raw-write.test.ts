// `stickwright write --raw` (the built CLI): any image byte for byte, streamed from gzip, xz,
// zstd, bzip2 and zip (told by magic bytes), to THREE loop-device sticks at once from one read.
// Each stick is checked byte-identical to the decompressed image by a separate read (the loop
// device's backing file, not the device the CLI wrote). A target too small for an image of
// unknown size fails on its own while the others finish; a known size too small is refused
// before anything is written; SIGINT leaves no process, no loop device, and targets without a
// partition table.
//
// Only image files and loop devices this file creates are used (losetup -f, never a fixed
// number); all are detached in finally blocks and again in afterAll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, copyFileSync, createReadStream, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkerEvent } from '../shared/contract/events';
import { fixtureFile } from './fixtures/fixture';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

let scratch: string;
let CLI: string;
let iso: string;
let isoBytes: number;
let isoHash: string;
const images: Record<string, string> = {};
const ourLoops = new Set<string>();

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-raw-write-'));
  // A copy of the built CLI, so a rebuild of dist/ meanwhile cannot pull it from under a test.
  const built = path.resolve(process.env.STICKWRIGHT_TEST_CLI ?? 'dist/cli.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`node scripts/build.mjs\` first`);
  CLI = path.join(scratch, 'cli.js');
  copyFileSync(built, CLI);
  iso = path.join(scratch, 'live.iso');
  copyFileSync(fixtureFile('liveos', 'image.iso'), iso);
  isoBytes = statSync(iso).size;
  isoHash = await sha256(iso, isoBytes);
  // The same image in every form, made side by side.
  const compress = (name: string, program: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const out = openSync(path.join(scratch, name), 'w');
      const child = spawn(program, [...args, iso], { stdio: ['ignore', out, 'inherit'] });
      child.on('error', reject);
      child.on('close', (code) => {
        closeSync(out);
        if (code === 0) resolve();
        else reject(new Error(`${program} exited with ${code}`));
      });
    });
  await Promise.all([
    compress('live.iso.gz', 'gzip', ['-c', '-1']),
    compress('live.iso.xz', 'xz', ['-c', '-0', '-T2']),
    compress('live.iso.zst', 'zstd', ['-c', '-q', '-3']),
    compress('live.iso.bz2', 'bzip2', ['-c', '-1']),
  ]);
  execFileSync('zip', ['-q', '-j', '-1', path.join(scratch, 'live.zip'), iso]);
  Object.assign(images, { gzip: 'live.iso.gz', xz: 'live.iso.xz', zstd: 'live.iso.zst', bzip2: 'live.iso.bz2', zip: 'live.zip' });
  for (const [kind, name] of Object.entries(images)) images[kind] = path.join(scratch, name);
}, 300_000);

afterAll(() => {
  if (!scratch) return;
  for (const loop of [...ourLoops, ...loopsOver(scratch)]) spawnSync('losetup', ['--detach', loop]);
  // Mounts a failed test left under scratch (tmpfs, the mounted-target test's ext4).
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n').reverse()) {
    const mountPoint = line.split(' ')[4] ?? '';
    if (mountPoint.startsWith(`${scratch}/`)) spawnSync('umount', ['-l', mountPoint]);
  }
  rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], options: { onStdoutLine?: (line: string, child: ChildProcess) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stdout += text;
      pending += text;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        options.onStdoutLine?.(pending.slice(0, newline), child);
        pending = pending.slice(newline + 1);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.end('');
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function eventsOf(run: Run): WorkerEvent[] {
  const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.stdout.endsWith('\n'), why).toBe(true);
  const events = run.stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const event = WorkerEvent.safeParse(JSON.parse(line));
      expect(event.success, `not a WorkerEvent: ${line}`).toBe(true);
      return event.data as WorkerEvent;
    });
  expect(events.filter((e) => e.type === 'result' || e.type === 'error'), why).toHaveLength(1);
  return events;
}

interface Outcome {
  readonly target: string;
  readonly ok: boolean;
  readonly bytesWritten: number;
  readonly verified?: { bytes: number; direct: boolean } | null;
  readonly error?: { code: string };
}
interface RawResult {
  readonly mode: 'raw';
  readonly ok: boolean;
  readonly image: { compression: string; bytes: number; entry: string | null };
  readonly targets: Outcome[];
}

function resultOf(events: WorkerEvent[]): RawResult {
  const last = events.at(-1);
  expect(last?.type).toBe('result');
  return (last as Extract<WorkerEvent, { type: 'result' }>).value as RawResult;
}

function sha256(file: string, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(file, { start: 0, end: length - 1, highWaterMark: 4 * MiB });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** A used stick: an image file of `size` with random bytes in its first 8 MiB and last MiB. */
function oldStick(name: string, size: number): string {
  const file = path.join(scratch, name);
  rmSync(file, { force: true });
  const fd = openSync(file, 'wx');
  try {
    const junk = randomFillSync(Buffer.alloc(Math.min(8 * MiB, size)));
    writeSync(fd, junk, 0, junk.length, 0);
    writeSync(fd, junk, 0, MiB, size - MiB);
  } finally {
    closeSync(fd);
  }
  truncateSync(file, size);
  return file;
}

function attachLoop(image: string): string {
  const device = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`losetup answered "${device}"`);
  ourLoops.add(device);
  return device;
}

function detachLoop(device: string): void {
  spawnSync('losetup', ['--detach', device]);
  ourLoops.delete(device);
}

/** Sticks (image files + loop devices over them) for the body; always detached after. */
async function withSticks<T>(sizes: readonly number[], body: (sticks: Array<{ file: string; device: string }>) => Promise<T>): Promise<T> {
  const sticks: Array<{ file: string; device: string }> = [];
  try {
    for (const [i, size] of sizes.entries()) {
      const file = oldStick(`stick-${i}.img`, size);
      sticks.push({ file, device: attachLoop(file) });
    }
    return await body(sticks);
  } finally {
    for (const s of sticks) detachLoop(s.device);
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

/** Processes (other than us) with a file under `dir` open: a decompressor left running, say. */
function processesHolding(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (link.startsWith(`${dir}/`)) found.push(`${pid} ${link}`);
    }
  }
  return found;
}

/** The backing file's first bytes (a read separate from the CLI's, through another path). */
async function expectHoldsImage(file: string): Promise<void> {
  expect(await sha256(file, isoBytes), `${file} holds the image`).toBe(isoHash);
}

// ---------------------------------------------------------------------------------------------

describe('write --raw: one read, three sticks', () => {
  it.each(['gzip', 'xz', 'zstd', 'bzip2', 'zip'])('%s image to three loop-device sticks at once, each byte-identical and verified', async (kind) => {
    await withSticks([64 * MiB, 64 * MiB, 96 * MiB], async (sticks) => {
      const run = await cli(['write', '--raw', '--image', images[kind] as string, ...sticks.flatMap((s) => ['--target', s.device]), '--yes', '--json']);
      const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      expect(run.code, why).toBe(0);
      const events = eventsOf(run);
      const result = resultOf(events);
      expect(result).toMatchObject({ mode: 'raw', ok: true, image: { compression: kind, bytes: isoBytes, entry: kind === 'zip' ? 'live.iso' : null } });
      expect(result.targets.map((t) => t.target)).toEqual(sticks.map((s) => s.device));
      for (const t of result.targets) {
        expect(t, why).toMatchObject({ ok: true, bytesWritten: isoBytes, verified: { bytes: isoBytes, direct: true } });
        // Per-target progress, copy then verify, each event naming its target.
        const progress = events.filter((e) => e.type === 'progress' && e.target === t.target);
        expect(progress.some((p) => p.type === 'progress' && p.phase === 'copy' && p.bytesDone === isoBytes)).toBe(true);
        expect(progress.some((p) => p.type === 'progress' && p.phase === 'verify' && p.bytesDone === isoBytes)).toBe(true);
      }
      for (const s of sticks) await expectHoldsImage(s.file);
    });
  });

  it('tells the compression by magic bytes: an xz file named .img is decompressed', async () => {
    const disguised = path.join(scratch, 'disk.img');
    copyFileSync(images.xz as string, disguised);
    await withSticks([64 * MiB], async ([stick]) => {
      const run = await cli(['write', '--raw', '--image', disguised, '--target', stick!.device, '--yes', '--json']);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(resultOf(eventsOf(run)).image.compression).toBe('xz');
      await expectHoldsImage(stick!.file);
    });
  });

  it('a plain image, human output: a per-target summary', async () => {
    await withSticks([64 * MiB, 64 * MiB], async (sticks) => {
      const run = await cli(['write', '--raw', '--image', iso, ...sticks.flatMap((s) => ['--target', s.device]), '--yes']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('');
      for (const s of sticks) expect(run.stderr).toMatch(new RegExp(`${s.device}: ok, .* verified`));
      for (const s of sticks) await expectHoldsImage(s.file);
    });
  });
});

describe('write --raw: a failing target', () => {
  it('a stick too small for a gzip image (size unknown until the end) fails on its own; the other two finish', async () => {
    await withSticks([64 * MiB, 16 * MiB, 64 * MiB], async (sticks) => {
      const run = await cli(['write', '--raw', '--image', images.gzip as string, ...sticks.flatMap((s) => ['--target', s.device]), '--yes', '--json']);
      const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      expect(run.code, why).toBe(4);
      const events = eventsOf(run);
      const result = resultOf(events);
      expect(result.ok).toBe(false);
      const [a, small, c] = result.targets;
      expect(a).toMatchObject({ ok: true, verified: { bytes: isoBytes } });
      expect(c).toMatchObject({ ok: true, verified: { bytes: isoBytes } });
      expect(small).toMatchObject({ ok: false, error: { code: 'TARGET_TOO_SMALL' } });
      expect(small!.bytesWritten).toBeLessThanOrEqual(16 * MiB);
      expect(events.some((e) => e.type === 'log' && e.level === 'warn' && e.target === sticks[1]!.device)).toBe(true);
      await expectHoldsImage(sticks[0]!.file);
      await expectHoldsImage(sticks[2]!.file);
      // The small one has no partition table: its first 4 MiB (held back, written last) are zero.
      expect(readFileSync(sticks[1]!.file).subarray(0, 4 * MiB).every((b) => b === 0)).toBe(true);
    });
  });

  it('with the size known (xz), a too-small target is refused before anything is written to any target', async () => {
    await withSticks([64 * MiB, 16 * MiB], async (sticks) => {
      const before = await Promise.all(sticks.map((s) => sha256(s.file, 16 * MiB)));
      const run = await cli(['write', '--raw', '--image', images.xz as string, ...sticks.flatMap((s) => ['--target', s.device]), '--yes', '--json']);
      expect(run.code).toBe(4);
      const last = eventsOf(run).at(-1);
      expect(last).toMatchObject({ type: 'error', error: { code: 'TARGET_TOO_SMALL' } });
      expect(await Promise.all(sticks.map((s) => sha256(s.file, 16 * MiB)))).toEqual(before);
    });
  });

  it('--dry-run: the image and the targets as checked, nothing written', async () => {
    await withSticks([64 * MiB], async ([stick]) => {
      const before = await sha256(stick!.file, 16 * MiB);
      const newFile = path.join(scratch, 'new-stick.img');
      const run = await cli(['write', '--raw', '--image', images.xz as string, '--target', stick!.device, '--target', newFile, '--dry-run', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        ok: true,
        mode: 'raw',
        image: { compression: 'xz', size: isoBytes },
        targets: [
          { path: stick!.device, kind: 'block', size: 64 * MiB, exists: true },
          { path: newFile, kind: 'file', size: isoBytes, exists: false },
        ],
      });
      const human = await cli(['write', '--raw', '--image', images.gzip as string, '--target', stick!.device, '--dry-run']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/gzip; decompressed size known only at the end/);
      expect(await sha256(stick!.file, 16 * MiB)).toBe(before);
      expect(existsSync(newFile)).toBe(false);
    });
  });

  it('refusals: no --yes in a script, the same stick twice, a missing image', async () => {
    await withSticks([64 * MiB], async ([stick]) => {
      const before = await sha256(stick!.file, 16 * MiB);
      const noYes = await cli(['write', '--raw', '--image', iso, '--target', stick!.device]);
      expect(noYes.code).toBe(2);
      expect(noYes.stderr).toMatch(/CONFIRMATION_REQUIRED/);
      const twice = await cli(['write', '--raw', '--image', iso, '--target', stick!.device, '--target', stick!.device, '--yes', '--json']);
      expect(eventsOf(twice).at(-1)).toMatchObject({ type: 'error', error: { code: 'OPTIONS_CONFLICT' } });
      const missing = await cli(['write', '--raw', '--image', path.join(scratch, 'nope.img'), '--target', stick!.device, '--yes', '--json']);
      expect(missing.code).toBe(3);
      expect(eventsOf(missing).at(-1)).toMatchObject({ type: 'error', error: { code: 'SOURCE_NOT_FOUND' } });
      // A stick cloned onto itself.
      const self = await cli(['write', '--raw', '--image', stick!.device, '--target', stick!.device, '--yes', '--json']);
      expect(self.code).toBe(4);
      expect(eventsOf(self).at(-1)).toMatchObject({ type: 'error', error: { code: 'TARGET_HOLDS_SOURCE' } });
      expect(await sha256(stick!.file, 16 * MiB)).toBe(before);
    });
  });

  it('clones a stick: a block device as the image', async () => {
    await withSticks([64 * MiB, 64 * MiB], async ([from, to]) => {
      const seed = await cli(['write', '--raw', '--image', iso, '--target', from!.device, '--yes']);
      expect(seed.code, seed.stderr).toBe(0);
      const run = await cli(['write', '--raw', '--image', from!.device, '--target', to!.device, '--yes', '--json']);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(resultOf(eventsOf(run)).image).toMatchObject({ compression: 'none', bytes: 64 * MiB });
      await expectHoldsImage(to!.file);
    });
  });
});

/** A stick whose storage runs out part-way: a loop device over a sparse file on a small tmpfs
 *  (writes past the tmpfs's room fail with an I/O error, as a failing stick's do). */
async function withFailingStick<T>(room: string, size: number, body: (device: string) => Promise<T>): Promise<T> {
  const mountPoint = path.join(scratch, `tmpfs-${room}`);
  execFileSync('mkdir', ['-p', mountPoint]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${room}`, 'sw-raw-write', mountPoint]);
  let device: string | null = null;
  try {
    const file = path.join(mountPoint, 'failing.img');
    closeSync(openSync(file, 'w'));
    truncateSync(file, size);
    device = attachLoop(file);
    return await body(device);
  } finally {
    if (device) detachLoop(device);
    spawnSync('umount', [mountPoint]);
  }
}

describe('write --raw: a stick that fails mid-write', () => {
  it('its I/O error drops it with its own error; the other two are written and verified', async () => {
    await withSticks([64 * MiB, 64 * MiB], async ([a, b]) => {
      await withFailingStick('12m', 64 * MiB, async (failing) => {
        const run = await cli(['write', '--raw', '--image', iso, '--target', a!.device, '--target', failing, '--target', b!.device, '--yes', '--json']);
        const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
        expect(run.code, why).toBe(5);
        const result = resultOf(eventsOf(run));
        expect(result.ok).toBe(false);
        expect(result.targets[0]).toMatchObject({ ok: true, verified: { bytes: isoBytes } });
        expect(result.targets[2]).toMatchObject({ ok: true, verified: { bytes: isoBytes } });
        expect(result.targets[1]!.ok, why).toBe(false);
        expect(['DEVICE_GONE', 'WRITE_FAILED', 'TARGET_FULL']).toContain(result.targets[1]!.error!.code);
        await expectHoldsImage(a!.file);
        await expectHoldsImage(b!.file);
      });
    });
  });

  it('persistent mode: the failing stick is reported, the one after it is still written', async () => {
    const good = path.join(scratch, 'after-failing.img');
    await withFailingStick('24m', GiB, async (failing) => {
      const run = await cli(['write', '--iso', iso, '--target', failing, '--target', good, '--size', '1G', '--overlay', '256M', '--no-checksum', '--yes', '--json']);
      const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      expect(run.code, why).not.toBe(0);
      const result = (eventsOf(run).at(-1) as Extract<WorkerEvent, { type: 'result' }>).value as { ok: boolean; targets: Array<{ target: string; ok: boolean; error?: { code: string } }> };
      expect(result.ok).toBe(false);
      expect(result.targets[0]).toMatchObject({ target: failing, ok: false });
      expect(result.targets[1]).toMatchObject({ target: good, ok: true });
    });
    rmSync(good, { force: true });
  });
});

describe('write --raw: a mounted target', () => {
  it('is refused (TARGET_MOUNTED, nothing written); --unmount unmounts it after the checks, then writes', async () => {
    await withSticks([64 * MiB], async ([stick]) => {
      execFileSync('mkfs.ext4', ['-q', '-F', stick!.device]);
      const mountPoint = path.join(scratch, 'mnt');
      execFileSync('mkdir', ['-p', mountPoint]);
      execFileSync('mount', [stick!.device, mountPoint]);
      try {
        const refused = await cli(['write', '--raw', '--image', iso, '--target', stick!.device, '--yes', '--json']);
        expect(refused.code).toBe(4);
        expect(eventsOf(refused).at(-1)).toMatchObject({ type: 'error', error: { code: 'TARGET_MOUNTED' } });
        expect(readFileSync('/proc/self/mountinfo', 'utf8')).toContain(` ${mountPoint} `);
        const run = await cli(['write', '--raw', '--image', iso, '--target', stick!.device, '--unmount', '--yes', '--json']);
        expect(run.code, run.stdout + run.stderr).toBe(0);
        expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(` ${mountPoint} `);
      } finally {
        spawnSync('umount', [mountPoint]);
      }
      await expectHoldsImage(stick!.file);
    });
  });
});

describe('write --raw: cancel', () => {
  it('SIGINT mid-write: exit 130, one CANCELLED event, no decompressor or loop device left, no partition table', async () => {
    // A larger, incompressible image through zstd, so the write is still going when the signal comes.
    const raw = path.join(scratch, 'big.raw');
    const fd = openSync(raw, 'w');
    const block = Buffer.alloc(8 * MiB);
    for (let i = 0; i < 40; i += 1) writeSync(fd, randomFillSync(block));
    closeSync(fd);
    const big = path.join(scratch, 'big.zst');
    execFileSync('zstd', ['-q', '-1', '-f', '-o', big, raw]);
    rmSync(raw);
    await withSticks([400 * MiB, 400 * MiB], async (sticks) => {
      let signalled = false;
      const run = await cli(['write', '--raw', '--image', big, ...sticks.flatMap((s) => ['--target', s.device]), '--yes', '--json'], {
        onStdoutLine: (line, child) => {
          const event = JSON.parse(line) as WorkerEvent;
          if (!signalled && event.type === 'progress' && event.phase === 'copy' && event.bytesDone >= 16 * MiB) {
            signalled = true;
            child.kill('SIGINT');
          }
        },
      });
      expect(signalled, run.stdout).toBe(true);
      expect(run.code, run.stdout + run.stderr).toBe(130);
      const last = eventsOf(run).at(-1);
      expect(last).toMatchObject({ type: 'error', error: { code: 'CANCELLED', data: { targetTouched: true } } });
      expect(processesHolding(scratch)).toEqual([]);
      expect(loopsOver(scratch).sort()).toEqual(sticks.map((s) => s.device).sort());
      for (const s of sticks) expect(readFileSync(s.file).subarray(0, 4 * MiB).every((b) => b === 0), `${s.file} has no partition table`).toBe(true);
    });
    rmSync(big);
  });
});

describe('write (persistent mode) to several sticks', () => {
  it('writes each stick in turn with its own ids; events carry the target; one result lists both', async () => {
    const targets = [path.join(scratch, 'p1.img'), path.join(scratch, 'p2.img')];
    const run = await cli(['write', '--iso', iso, ...targets.flatMap((t) => ['--target', t]), '--size', '1G', '--overlay', '256M', '--no-checksum', '--yes', '--json']);
    const why = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(run.code, why).toBe(0);
    const events = eventsOf(run);
    for (const t of targets) expect(events.some((e) => e.type === 'progress' && e.target === t), why).toBe(true);
    const result = (events.at(-1) as Extract<WorkerEvent, { type: 'result' }>).value as {
      mode: string;
      ok: boolean;
      targets: Array<{ target: string; ok: boolean; result: { partitions: Array<{ uuid: string }>; verified: unknown } }>;
    };
    expect(result).toMatchObject({ mode: 'persistent', ok: true });
    expect(result.targets.map((t) => t.target)).toEqual(targets);
    for (const t of result.targets) expect(t).toMatchObject({ ok: true, result: { verified: { direct: true } } });
    // Two sticks, two identities: no shared filesystem UUIDs.
    const uuids = result.targets.map((t) => t.result.partitions.map((p) => p.uuid).join());
    expect(new Set(uuids).size).toBe(2);
    for (const t of targets) rmSync(t);
  });
});
