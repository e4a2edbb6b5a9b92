// The verify phase reads back what was written, around the page cache, and a stick whose bytes
// differ is a failed stick (style-security.md T11, T12): one flipped byte between the flush and
// the read-back, in an image file and in a loop device's backing file, must fail the write with
// VERIFY_FAILED naming the range, and leave the stick without a partition table.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, fsyncSync, mkdtempSync, readFileSync, openSync, readSync, rmSync, writeSync, closeSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StickwrightError } from '../shared/errors';
import { WriteOptions } from '../shared/plan/writeOptions';
import { writeStick, type WriteHooks } from '../electron/engine/write/writeStick';
import { fixtureFile } from './fixtures/fixture';

const CLI = path.resolve('dist/cli.js');
const OPTIONS = WriteOptions.parse({ fs: 'vfat', overlaySize: 256 * 2 ** 20, homeSize: 64 * 2 ** 20 });
let scratch: string;
let iso: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-verify-'));
  iso = fixtureFile('liveos', 'image.iso');
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function readByte(file: string, at: number): number {
  const fd = openSync(file, 'r');
  try {
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at);
    return byte[0] as number;
  } finally {
    closeSync(fd);
  }
}

/**
 * Flips one byte in the middle of the largest range written, through `file` (not the device).
 * With `cachedDevice`, that device's page cache first holds the range as written, so a verify
 * that read through the cache would see the old byte (the test checks that it would).
 */
function flipByteHook(file: string, seen: { offset?: number; staleCache?: boolean }, cachedDevice?: string): WriteHooks {
  return {
    beforeVerify: async ({ written }) => {
      const largest = [...written].sort((a, b) => b.length - a.length)[0];
      if (!largest) throw new Error('nothing was written');
      const at = largest.offset + Math.floor(largest.length / 2);
      const before = cachedDevice ? readByte(cachedDevice, at) : readByte(file, at);
      const fd = openSync(file, 'r+');
      try {
        writeSync(fd, Buffer.from([before ^ 0xff]), 0, 1, at);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (cachedDevice) seen.staleCache = readByte(cachedDevice, at) === before;
      seen.offset = largest.offset;
    },
  };
}

async function expectVerifyFailure(run: Promise<unknown>): Promise<StickwrightError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StickwrightError);
  const failure = error as StickwrightError;
  expect(failure.code).toBe('VERIFY_FAILED');
  expect(failure.data).toMatchObject({ targetTouched: true });
  expect(failure.message).toMatch(/read back different/);
  expect(failure.message).toMatch(/no partition table yet: it is blank/);
  return failure;
}

function hasPartitionTable(device: string): boolean {
  return spawnSync('sfdisk', ['-d', device], { encoding: 'utf8' }).status === 0;
}

describe('verify reads back what was written', () => {
  it('T11: a byte flipped in the image file after the flush fails the write; the stick is left blank', async () => {
    const stick = path.join(scratch, 'file-stick.img');
    writeFileSync(stick, '');
    truncateSync(stick, 2 ** 30);
    const seen: { offset?: number } = {};
    const failure = await expectVerifyFailure(writeStick({ isoPath: iso, target: stick, options: OPTIONS }, flipByteHook(stick, seen)));
    expect((failure.data as { offset: number }).offset).toBe(seen.offset);
    expect(hasPartitionTable(stick)).toBe(false);
  });

  it('T12: a byte flipped in a loop device\'s backing file is seen, though the kernel may cache the device', async () => {
    const backing = path.join(scratch, 'loop-stick.img');
    writeFileSync(backing, '');
    truncateSync(backing, 2 ** 30);
    const loop = execFileSync('losetup', ['-f', '--show', backing], { encoding: 'utf8' }).trim();
    try {
      const seen: { offset?: number; staleCache?: boolean } = {};
      const failure = await expectVerifyFailure(writeStick({ isoPath: iso, target: loop, options: OPTIONS }, flipByteHook(backing, seen, loop)));
      expect((failure.data as { offset: number }).offset).toBe(seen.offset);
      // A buffered read of the device still gave the old byte: only a read around the cache sees it.
      expect(seen.staleCache).toBe(true);
      expect(hasPartitionTable(loop)).toBe(false);
    } finally {
      execFileSync('losetup', ['-d', loop]);
    }
  });

  it('an untouched stick verifies: every written byte read back, O_DIRECT, and the CLI says so', () => {
    const stick = path.join(scratch, 'good.img');
    const run = spawnSync(process.execPath, [CLI, 'write', '--iso', iso, '--target', stick, '--size', '1G', '--fs', 'ext4', '--overlay', '256M', '--home', '64M', '--yes'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    // The human summary goes to stderr (stdout is for --json).
    expect(run.stderr).toMatch(/Verified: [\d.]+ MiB read back from the stick match what was written; fsck found no errors\./);
    const json = spawnSync(process.execPath, [CLI, 'write', '--iso', iso, '--target', stick, '--fs', 'vfat', '--overlay', '256M', '--home', '64M', '--yes', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(json.status, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout.trim().split('\n').at(-1) ?? '{}') as { type: string; value: { verified: { bytes: number; ranges: number; direct: boolean } } };
    expect(result.type).toBe('result');
    // The fixture's squashfs alone is several MiB; every byte of it went through the read-back.
    expect(result.value.verified.bytes).toBeGreaterThan(8 * 2 ** 20);
    expect(result.value.verified.direct).toBe(true);
  });

  it('--no-verify says plainly that the stick was not verified', () => {
    const stick = path.join(scratch, 'unverified.img');
    const run = spawnSync(process.execPath, [CLI, 'write', '--iso', iso, '--target', stick, '--size', '1G', '--fs', 'vfat', '--overlay', '256M', '--home', '64M', '--yes', '--no-verify'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('Not verified (--no-verify).');
    expect(run.stderr).not.toMatch(/Verified:/);
  });

  it('the ISO is checked against a checksum file beside it before the stick is touched', () => {
    const dir = mkdtempSync(path.join(scratch, 'iso-'));
    const copy = path.join(dir, 'Stickwright-Fixture-1.iso');
    copyFileSync(iso, copy);
    const sha = createHash('sha256').update(readFileSync(copy)).digest('hex');
    const stick = path.join(scratch, 'checked.img');
    const args = ['write', '--iso', copy, '--target', stick, '--size', '1G', '--fs', 'vfat', '--overlay', '256M', '--yes'];

    writeFileSync(path.join(dir, 'SHA256SUMS'), `${sha}  Stickwright-Fixture-1.iso\n`);
    const good = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
    expect(good.status, good.stderr).toBe(0);
    expect(good.stderr).toContain(`The ISO matched ${path.join(dir, 'SHA256SUMS')} (SHA256) before anything was written.`);

    // One changed digit: a damaged download. Refused before the (new) image file is even made.
    rmSync(stick);
    writeFileSync(path.join(dir, 'SHA256SUMS'), `${sha.slice(0, -1)}${sha.endsWith('0') ? '1' : '0'}  Stickwright-Fixture-1.iso\n`);
    const bad = spawnSync(process.execPath, [CLI, ...args, '--json'], { encoding: 'utf8', timeout: 120_000 });
    expect(bad.status).not.toBe(0);
    const last = JSON.parse(bad.stdout.trim().split('\n').at(-1) ?? '{}') as { type: string; error: { code: string; message: string } };
    expect(last.type).toBe('error');
    expect(last.error.code).toBe('SOURCE_CORRUPT');
    expect(last.error.message).toContain(sha);
    expect(existsSync(stick)).toBe(false);

    // --no-checksum writes it anyway (the user's call), and says nothing about a match.
    const skipped = spawnSync(process.execPath, [CLI, ...args, '--no-checksum'], { encoding: 'utf8', timeout: 120_000 });
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(skipped.stderr).not.toContain('The ISO matched');
  });
});
