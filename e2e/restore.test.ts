// `stickwright restore` (the built CLI): a written stick back to a plain drive — one MBR
// partition at 1 MiB to the end of the disk, FAT32 (0x0c) or exFAT (0x07), labelled; blkid -p
// finds the filesystem and its label and nothing of the old stick; fsck accepts it. Refusals
// leave the target as it was.
//
// Only image files and loop devices this file creates are used (losetup -f, never a fixed
// number); all are detached in finally blocks and again in afterAll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

let scratch: string;
let CLI: string;
let iso: string;
/** A persistent stick written by `stickwright write` (ext4, 1 GiB image file), copied per test. */
let written: string;
const ourLoops = new Set<string>();

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-restore-'));
  const built = path.resolve(process.env.STICKWRIGHT_TEST_CLI ?? 'dist/cli.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`node scripts/build.mjs\` first`);
  CLI = path.join(scratch, 'cli.js');
  copyFileSync(built, CLI);
  iso = fixtureFile('liveos', 'image.iso');
  written = path.join(scratch, 'written.img');
  const run = await cli(['write', '--iso', iso, '--target', written, '--size', '1G', '--overlay', '256M', '--no-checksum', '--yes']);
  if (run.code !== 0) throw new Error(`write failed: ${run.stderr}`);
}, 300_000);

afterAll(() => {
  if (!scratch) return;
  for (const loop of [...ourLoops, ...loopsOver(scratch)]) spawnSync('losetup', ['--detach', loop]);
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.end('');
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function copyOf(file: string, name: string): string {
  const copy = path.join(scratch, name);
  execFileSync('cp', ['--sparse=always', file, copy]);
  return copy;
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

/** blkid -p's KEY=VALUE pairs (low-level probe, no cache); {} when it finds nothing. */
function probe(file: string, offset = 0): Record<string, string> {
  const run = spawnSync('blkid', ['-p', '-o', 'export', ...(offset ? ['-O', String(offset)] : []), file], { encoding: 'utf8' });
  const found: Record<string, string> = {};
  for (const line of run.stdout.split('\n')) {
    const at = line.indexOf('=');
    // export format escapes spaces and specials with a backslash.
    if (at > 0) found[line.slice(0, at)] = line.slice(at + 1).replace(/\\(.)/g, '$1');
  }
  return found;
}

interface SfdiskPartition {
  readonly start: number;
  readonly size: number;
  readonly type: string;
}

function partitions(file: string): { label: string; partitions: SfdiskPartition[] } {
  const table = JSON.parse(execFileSync('sfdisk', ['--json', file], { encoding: 'utf8' })) as { partitiontable: { label: string; partitions?: SfdiskPartition[] } };
  return { label: table.partitiontable.label, partitions: table.partitiontable.partitions ?? [] };
}

/** fsck of the partition through a read-only loop device over its range; its exit status. */
function fsck(file: string, fs: 'fat32' | 'exfat', start: number, size: number): { status: number | null; output: string } {
  const loop = attachLoop(file, '--read-only', '--offset', String(start), '--sizelimit', String(size));
  try {
    const run = spawnSync(fs === 'fat32' ? 'fsck.fat' : 'fsck.exfat', ['-n', loop], { encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    detachLoop(loop);
  }
}

/** What must not change: size, mtime and ctime (any write moves ctime), and the first 16 MiB. */
function fingerprint(file: string): string {
  const info = statSync(file, { bigint: true });
  const head = Buffer.alloc(16 * MiB);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return `${info.size} ${info.mtimeNs} ${info.ctimeNs} ${createHash('sha256').update(head).digest('hex')}`;
}

/** What a restored stick must be: one partition 1 MiB → end, the type, the filesystem, its label. */
function expectRestored(file: string, fs: 'fat32' | 'exfat', label: string): void {
  const size = statSync(file).size;
  const table = partitions(file);
  expect(table.label).toBe('dos');
  expect(table.partitions).toHaveLength(1);
  const [p] = table.partitions;
  expect(p).toMatchObject({ start: 2048, size: size / 512 - 2048, type: fs === 'fat32' ? 'c' : '7' });
  // The whole disk: a DOS table and nothing else (no ISO 9660, no GPT, no old filesystem).
  const whole = probe(file);
  expect(whole).toMatchObject({ PTTYPE: 'dos' });
  expect(whole.TYPE).toBeUndefined();
  const part = probe(file, MiB);
  expect(part).toMatchObject({ TYPE: fs === 'fat32' ? 'vfat' : 'exfat', LABEL: label });
  if (fs === 'fat32') expect(part.VERSION).toBe('FAT32');
  const checked = fsck(file, fs, MiB, (size / 512 - 2048) * 512);
  expect(checked.status, checked.output).toBe(0);
}

describe('restore', () => {
  it('a written stick (a loop device) back to one FAT32 partition', async () => {
    const file = copyOf(written, 'fat32.img');
    expect(partitions(file).partitions.length).toBeGreaterThan(1);
    const loop = attachLoop(file);
    try {
      const run = await cli(['restore', loop, '--fs', 'fat32', '--label', 'usbdrive', '--yes', '--json']);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const doc = JSON.parse(run.stdout) as { ok: boolean; result: { fs: string; label: string; partition: { start: number; size: number; type: number } } };
      expect(doc).toMatchObject({ ok: true, result: { fs: 'fat32', label: 'USBDRIVE', partition: { start: MiB, size: GiB - MiB, type: 0x0c } } });
    } finally {
      detachLoop(loop);
    }
    expectRestored(file, 'fat32', 'USBDRIVE');
  });

  it('a written stick (an image file) to exFAT, with a label with a space; human output', async () => {
    const file = copyOf(written, 'exfat.img');
    const run = await cli(['restore', file, '--fs', 'exfat', '--label', 'My Stick', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Restored .*: one exFAT partition "My Stick"/);
    expectRestored(file, 'exfat', 'My Stick');
  });

  it('a raw-written hybrid ISO (GPT + ISO 9660) back to FAT32 by default', async () => {
    const file = copyOf(written, 'hybrid.img');
    const loop = attachLoop(file);
    try {
      const raw = await cli(['write', '--raw', '--image', iso, '--target', loop, '--yes']);
      expect(raw.code, raw.stderr).toBe(0);
      expect(probe(loop).TYPE).toBe('iso9660');
      const run = await cli(['restore', loop, '--yes']);
      expect(run.code, run.stderr).toBe(0);
    } finally {
      detachLoop(loop);
    }
    expectRestored(file, 'fat32', 'STICK');
  });

  it('refusals leave the stick as it was: no --yes in a script, a bad label, a missing target, a stick too small', async () => {
    const file = copyOf(written, 'refused.img');
    const before = fingerprint(file);
    const noYes = await cli(['restore', file]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/error CONFIRMATION_REQUIRED/);
    const badLabel = await cli(['restore', file, '--label', 'WAY_TOO_LONG_LABEL', '--yes', '--json']);
    expect(badLabel.code).toBe(2);
    expect(JSON.parse(badLabel.stdout)).toMatchObject({ ok: false, error: { code: 'LABEL_INVALID' } });
    const badFs = await cli(['restore', file, '--fs', 'ntfs', '--yes']);
    expect(badFs.code).toBe(2);
    expect(fingerprint(file)).toBe(before);
    const missing = await cli(['restore', path.join(scratch, 'nope.img'), '--yes']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/error TARGET_NOT_FOUND/);
    expect(existsSync(path.join(scratch, 'nope.img'))).toBe(false);
    const tiny = path.join(scratch, 'tiny.img');
    execFileSync('truncate', ['-s', '32M', tiny]);
    const small = await cli(['restore', tiny, '--fs', 'fat32', '--yes']);
    expect(small.code).toBe(4);
    expect(small.stderr).toMatch(/error TARGET_TOO_SMALL/);
  });
});
