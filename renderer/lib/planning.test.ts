import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../shared/plan/testing/sampleReport';
import type { Drive } from '../../shared/contract/drive';
import { cleanForDisplay, defaultSizes, largestFitting, needsOverlayFs, plan, sizeBounds, SIZE_STEP, toWriteOptions, tooSmallReason, type Choices } from './planning';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const base: Choices = { fs: 'ext4', overlaySize: 512 * MiB, homeSize: 256 * MiB, overlayFs: false, encryptHome: false };
const drive = (size: number): Drive => ({
  device: '/dev/sdz',
  description: 'Test stick',
  size,
  isSystem: false,
  isRemovable: true,
  busType: 'USB',
  mountpoints: [],
  isDevelopment: false,
});

describe('largestFitting', () => {
  it('finds the last step for which the predicate holds', () => {
    expect(largestFitting((b) => b <= 1000 * MiB, 8 * GiB)).toBe(992 * MiB);
    expect(largestFitting((b) => b <= 16 * MiB, 8 * GiB)).toBe(16 * MiB);
    expect(largestFitting(() => false, 8 * GiB)).toBe(0);
    expect(largestFitting(() => true, 100 * MiB)).toBe(96 * MiB);
  });
});

describe('sizeBounds', () => {
  const report = sampleReport();
  it('the largest overlay plans OK and one step more is TARGET_TOO_SMALL', () => {
    const { maxOverlay, maxHome } = sizeBounds(report, 8 * GiB, base);
    expect(maxOverlay % SIZE_STEP).toBe(0);
    expect(plan(report, 8 * GiB, { ...base, overlaySize: maxOverlay }).ok).toBe(true);
    const over = plan(report, 8 * GiB, { ...base, overlaySize: maxOverlay + SIZE_STEP });
    expect(over.ok ? [] : over.problems.map((p) => p.code)).toContain('TARGET_TOO_SMALL');
    expect(plan(report, 8 * GiB, { ...base, homeSize: maxHome }).ok).toBe(true);
    // Each bound leaves room for the other choice: more home, less overlay.
    expect(sizeBounds(report, 8 * GiB, { ...base, homeSize: 2 * GiB }).maxOverlay).toBeLessThan(maxOverlay);
  });

  it('vfat stops each file below 4 GiB', () => {
    const { maxOverlay } = sizeBounds(report, 64 * GiB, { ...base, fs: 'vfat' });
    expect(maxOverlay).toBe(4096 * MiB - SIZE_STEP);
  });
});

describe('drives and defaults', () => {
  const report = sampleReport();
  it('a drive too small for the image with the smallest persistence says so', () => {
    expect(tooSmallReason(report, drive(1 * GiB), 'ext4')?.code).toBe('TARGET_TOO_SMALL');
    expect(tooSmallReason(report, drive(1 * GiB), 'ext4')?.message).toMatch(/needs at least/);
    expect(tooSmallReason(report, drive(8 * GiB), 'ext4')).toBeNull();
  });

  it('default sizes fit the drive and stay under 4 GiB each', () => {
    for (const size of [4 * GiB, 16 * GiB, 256 * GiB]) {
      const sizes = defaultSizes(report, size, base);
      expect(plan(report, size, { ...base, ...sizes }).ok).toBe(true);
      expect(sizes.overlaySize).toBeGreaterThan(0);
      expect(sizes.overlaySize).toBeLessThanOrEqual(4 * GiB);
      expect(sizes.homeSize).toBeLessThanOrEqual(4 * GiB);
    }
  });

  it('OverlayFS is forced for a flat root image, and sent only with an overlay', () => {
    expect(needsOverlayFs(sampleReport({ contents: 'flat' }))).toBe(true);
    expect(needsOverlayFs(report)).toBe(false);
    expect(toWriteOptions({ ...base, overlayFs: true }).overlayKind).toBe('overlayfs');
    expect(toWriteOptions({ ...base, overlayFs: true, overlaySize: 0 }).overlayKind).toBe('auto');
    expect(toWriteOptions({ ...base, encryptHome: true, homeSize: 0 }).encryptHome).toBe(false);
  });

  it('display names lose control and bidi-override characters (T7)', () => {
    expect(cleanForDisplay('Evil\u202Egnp.exe\nStick\u0007')).toBe('Evil gnp.exe Stick');
  });
});
