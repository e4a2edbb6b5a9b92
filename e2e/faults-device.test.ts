// The fault suite, part 1: the target fails under the write (style-security.md B.5).
//
// T17 — the stick vanishes in each phase. The target is a loop device over an image file served
// by faultfs.py (FUSE). When the phase we aim at starts (its --json phase event), the test makes
// the FUSE file answer EIO to everything and runs `losetup -d` on the target, which the kernel
// defers while the writer holds the device open, then completes on its last close: from the
// writer's side exactly a pulled USB stick (EIO, then a device that reads as empty). Detaching
// alone would not do: a detached-but-open loop device keeps working. Expected: DEVICE_GONE
// within seconds, exit 5, no partition table, nothing left behind, a bystander stick unchanged.
//
// T19 — the target fills: a sparse 1 GiB image file on a small ext4 filesystem (mounted through
// a loop device) runs out of room, in the copy phase (our own writes: ENOSPC) and in the format
// phase (mke2fs, which sees the loop device's EIO). Expected: TARGET_FULL with the sizes.
//
// T18 — the stick's cache flush fails once (the FUSE file's fsync answers EIO a single time) in
// the flush phase: the write fails there and then. Linux may drop dirty pages after a writeback
// error, so a retried flush could "succeed" without the data: there is no retry.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { JOB_PROTOCOL_VERSION, type Job } from '../shared/contract/job';
import {
  attachLoop,
  bystander,
  cliWrite,
  detachLoop,
  expectBlank,
  expectError,
  expectNothingLeft,
  GiB,
  loopsOver,
  MiB,
  mountFaultFs,
  mountSmallExt4,
  oldStick,
  phasesOf,
  run,
  sha256,
  sleep,
  stagingDir,
  useFaultSuite,
  type Run,
} from './faults/harness';

const suite = useFaultSuite('sw-faults-device-');

/** How slow the stick is (ms per FUSE read/write) while aiming at each phase: slow enough that
 *  the phase is still running when the test reacts to its event, fast enough to stay short. */
const DELAY_MS: Readonly<Record<string, number>> = { partition: 5, format: 2, copy: 2, boot: 5, flush: 10, verify: 5 };

interface Vanish {
  readonly run: Run;
  readonly firedAt: number;
  readonly backing: string;
  readonly device: string;
  readonly staging: string;
  /** sha256 of the first 16 MiB before the write (the old table and the old data after it). */
  readonly headBefore: string;
}

let sticks = 0;

/** Writes to a FUSE-backed loop device and pulls it out as `phase` starts. */
async function vanishDuring(phase: string, via: 'cli' | 'worker', fs: 'ext4' | 'vfat' | 'f2fs' = 'ext4'): Promise<Vanish> {
  const s = suite();
  const backing = oldStick(path.join(s.scratch, `vanish-${via}-${fs}-${phase}-${++sticks}.img`), GiB);
  const headBefore = await sha256(backing, 16 * MiB);
  const fuse = await mountFaultFs(s.scratch, { 'stick.img': backing });
  const other = await bystander(s.scratch);
  const staging = stagingDir(s.scratch);
  try {
    fuse.delay(DELAY_MS[phase] ?? 2);
    const device = attachLoop(fuse.file('stick.img'));
    let firedAt = 0;
    const onEvent = (event: { type: string; phase?: string | null }) => {
      if (firedAt === 0 && event.type === 'phase' && event.phase === phase) {
        fuse.fail();
        detachLoop(device);
        firedAt = performance.now();
      }
    };
    const env = { STICKWRIGHT_STAGING: staging };
    let result: Run;
    if (via === 'cli') {
      result = await cliWrite(s, s.iso, device, ['--fs', fs], { env, onEvent });
    } else {
      const job: Job = {
        v: JOB_PROTOCOL_VERSION,
        id: `vanish-${phase}`,
        kind: 'write',
        isoPath: s.iso,
        target: device,
        expectedSize: GiB,
        options: { fs, overlaySize: 256 * MiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' },
        verify: true,
      };
      result = await run(process.execPath, [s.worker], { input: `${JSON.stringify(job)}\n`, keepStdinOpen: true, env: { ...env, ELECTRON_RUN_AS_NODE: '1' }, onEvent });
    }
    expect(firedAt, `the ${phase} phase never started: ${result.why}`).toBeGreaterThan(0);
    // The deferred detach completes when the writer closes the device.
    for (let i = 0; i < 50 && loopsOver(fuse.file('stick.img')).length; i++) await sleep(100);
    expect(loopsOver(fuse.file('stick.img')), 'the pulled loop device is gone once the writer let go').toEqual([]);
    await other.check();
    return { run: result, firedAt, backing, device, staging, headBefore };
  } finally {
    await fuse.unmount();
    other.remove();
  }
}

/** What every vanished write must show. */
async function expectDeviceGone(v: Vanish, phase: string): Promise<void> {
  const s = suite();
  const error = expectError(v.run, 'DEVICE_GONE', 5);
  expect(error.phase, v.run.why).toBe(phase);
  expect(v.run.endedAt - v.firedAt, `ms from the pull to the exit: ${v.run.why}`).toBeLessThan(10_000);
  expect(error.error.message, v.run.why).toMatch(/disappeared/);
  expect(error.error.message, v.run.why).toContain(v.device);
  expect(error.error.message, v.run.why).toMatch(/no partition table/);
  expect(error.error.data.targetTouched, v.run.why).toBe(true);
  // The phases after the pull never ran; no result.
  const phases = phasesOf(v.run);
  expect(phases.at(-1), v.run.why).toBe(phase);
  // The stick as it is now (read from the backing file): no partition table — or, pulled before
  // the first write (the wipe starts at sector 0), the old stick exactly as it was.
  if (spawnSync('blkid', ['-p', '-o', 'export', v.backing], { encoding: 'utf8' }).stdout.includes('PTTYPE=')) {
    expect(phase, 'an old partition table survives only a pull before the first write').toBe('partition');
    expect(await sha256(v.backing, 16 * MiB), 'the old stick is untouched').toBe(v.headBefore);
  } else {
    expectBlank(v.backing);
  }
  await expectNothingLeft(v.device, v.staging, [s.cli, s.worker]);
}

describe('T17: the stick vanishes mid-write (FUSE EIO + losetup -d)', () => {
  for (const phase of ['partition', 'format', 'copy', 'boot', 'flush', 'verify']) {
    it(`during ${phase} (CLI, ext4): DEVICE_GONE within 10 s, exit 5, blank, nothing left, bystander unchanged`, async () => {
      const v = await vanishDuring(phase, 'cli');
      await expectDeviceGone(v, phase);
    });
  }

  it('during copy (CLI, vfat: our FAT writer): DEVICE_GONE', async () => {
    const v = await vanishDuring('copy', 'cli', 'vfat');
    await expectDeviceGone(v, 'copy');
  });

  it('during format (CLI, F2FS: sload.f2fs filling it): DEVICE_GONE', async () => {
    const v = await vanishDuring('format', 'cli', 'f2fs');
    await expectDeviceGone(v, 'format');
  });

  it('during copy (the worker, as the app runs it): DEVICE_GONE, the worker exits', async () => {
    const v = await vanishDuring('copy', 'worker');
    await expectDeviceGone(v, 'copy');
    expect(v.run.events.every((e) => e.jobId === 'vanish-copy'), v.run.why).toBe(true);
  });
});

describe('T19: the disk holding the image file fills up', () => {
  const cases: Array<[string, number, string]> = [
    // 40 MiB: mke2fs fits, the ISO's files do not (our writes get ENOSPC).
    ['in the copy phase (ENOSPC on our writes)', 40, 'copy'],
    // 12 MiB: mke2fs itself runs out (through a loop device, which turns ENOSPC into EIO).
    ['in the format phase (mke2fs fails)', 12, 'format'],
  ];
  for (const [name, sizeMiB, phase] of cases) {
    it(`${name}: TARGET_FULL with the sizes, blank, nothing left`, async () => {
      const s = suite();
      const disk = mountSmallExt4(s.scratch, sizeMiB);
      const other = await bystander(s.scratch);
      const staging = stagingDir(s.scratch);
      try {
        const target = path.join(disk.mountPoint, 'stick.img');
        closeSync(openSync(target, 'wx'));
        // Sparse: 1 GiB of image file on a filesystem of a few MiB (truncate writes no data).
        truncateSync(target, GiB);
        const r = await cliWrite(s, s.iso, target, ['--fs', 'ext4'], { env: { STICKWRIGHT_STAGING: staging } });
        const error = expectError(r, 'TARGET_FULL', 5);
        expect(error.phase, r.why).toBe(phase);
        const data = error.error.data as { targetBytes: number; freeBytes: number; allocatedBytes: number; targetTouched: boolean };
        expect(data.targetBytes, r.why).toBe(GiB);
        expect(data.freeBytes, r.why).toBeLessThan(MiB);
        expect(data.allocatedBytes, r.why).toBeGreaterThan(0);
        expect(data.allocatedBytes, r.why).toBeLessThanOrEqual(sizeMiB * MiB);
        expect(data.targetTouched, r.why).toBe(true);
        // The sizes are in the words too.
        expect(error.error.message, r.why).toMatch(/1 GiB image file is full: [\d.]+ (B|KiB) free, [\d.]+ (KiB|MiB) of the image written so far/);
        expect(error.error.message, r.why).toMatch(/no partition table/);
        expect(statSync(target).size).toBe(GiB);
        expectBlank(target);
        await expectNothingLeft(target, staging, [s.cli]);
        await other.check();
      } finally {
        disk.unmount();
        other.remove();
      }
    });
  }
});

describe('T18: a failed flush is final (fsyncgate)', () => {
  it('the stick\'s fsync answers EIO once, in the flush phase: the write fails there (no retry into success), exit 5, blank', async () => {
    const s = suite();
    const backing = oldStick(path.join(s.scratch, `fsync-${++sticks}.img`), GiB);
    const fuse = await mountFaultFs(s.scratch, { 'stick.img': backing });
    const staging = stagingDir(s.scratch);
    try {
      fuse.delay(5);
      const device = attachLoop(fuse.file('stick.img'));
      let armed = false;
      const r = await cliWrite(s, s.iso, device, ['--fs', 'ext4'], {
        env: { STICKWRIGHT_STAGING: staging },
        onEvent: (event) => {
          if (!armed && event.type === 'phase' && event.phase === 'flush') {
            armed = true;
            fuse.failNextFsync();
          }
        },
      });
      detachLoop(device);
      expect(armed, r.why).toBe(true);
      expect(fuse.fsyncFailed(), `the armed fsync never came: ${r.why}`).toBe(true);
      expect(r.events.some((e) => e.type === 'result'), r.why).toBe(false);
      const error = expectError(r, 'DEVICE_GONE', 5);
      expect(error.phase, r.why).toBe('flush');
      expect(error.error.message, r.why).toMatch(/flushing: the device stopped answering \(EIO\)/);
      expect(phasesOf(r), r.why).not.toContain('verify');
      expectBlank(backing);
      await expectNothingLeft(device, staging, [s.cli]);
    } finally {
      await fuse.unmount();
    }
  });
});
