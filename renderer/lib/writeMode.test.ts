import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../shared/plan/testing/sampleReport';
import type { Drive } from '../../shared/contract/drive';
import type { ErrorPayload } from '../../shared/errors';
import { chooseMode, effectiveMode, rawImageSuffix, rawTooSmallReason } from './writeMode';
import { defaultRestoreFs, restoreLabelProblem } from '../store/restoreSlice';

const GiB = 2 ** 30;
const notIso: ErrorPayload = { code: 'SOURCE_NOT_ISO9660', message: 'x', hint: 'y', detail: 'no CD001 signature at sector 16', data: {} };
const problem = { code: 'FAMILY_NOT_SUPPORTED' as const, message: 'Debian live-boot persistence is not supported yet.', data: {} };

describe('chooseMode', () => {
  it('a live image the planner accepts: persistent mode, raw mode only as the person\'s choice', () => {
    const choice = chooseMode('/isos/live.iso', sampleReport(), null, []);
    expect(choice).toMatchObject({ auto: 'persistent', canPersist: true });
    expect(effectiveMode(choice, false)).toBe('persistent');
    expect(effectiveMode(choice, true)).toBe('raw');
  });

  it('a raw-only hybrid image: raw mode, saying it has no live layout but boots as a hybrid image', () => {
    const report = sampleReport();
    const rawOnly = { ...report, layout: { ...report.layout, family: 'raw-only' as const } };
    const choice = chooseMode('/isos/freebsd.iso', rawOnly, null, [{ code: 'NO_LIVE_LAYOUT', message: 'no live layout', data: {} }]);
    expect(choice).toMatchObject({ auto: 'raw', canPersist: false });
    expect(choice?.reason).toMatch(/no Linux live layout.*hybrid image/);
    // The override cannot turn it back into a persistent write.
    expect(effectiveMode(choice, false)).toBe('raw');
  });

  it('a known family without persistence support: raw mode, with the planner\'s reason', () => {
    const choice = chooseMode('/isos/debian.iso', sampleReport(), null, [problem]);
    expect(choice).toMatchObject({ auto: 'raw', canPersist: false });
    expect(choice?.reason).toContain('Debian live-boot persistence is not supported yet');
  });

  it('a disk image (not an ISO) by its suffix: raw mode; another file that is no ISO, or another error: nothing', () => {
    expect(chooseMode('/images/FreeBSD-14.0-memstick.img.xz', null, notIso, [])).toMatchObject({ auto: 'raw', reason: expect.stringContaining('(.img.xz)') });
    expect(chooseMode('/images/pi.IMG', null, notIso, [])?.reason).not.toMatch(/decompressed/);
    expect(chooseMode('/images/notes.txt', null, notIso, [])).toBeNull();
    expect(chooseMode('/images/a.img', null, { ...notIso, code: 'SOURCE_TRUNCATED' }, [])).toBeNull();
    expect(chooseMode(null, null, null, [])).toBeNull();
    expect(effectiveMode(null, true)).toBeNull();
  });

  it('rawImageSuffix takes the longest known suffix', () => {
    expect(rawImageSuffix('/a/b.iso.zst')).toBe('.iso.zst');
    expect(rawImageSuffix('/a/b.zip')).toBe('.zip');
    expect(rawImageSuffix('/a/b.iso')).toBeNull();
  });
});

describe('rawTooSmallReason', () => {
  const drive = (size: number): Drive => ({ device: '/dev/sdz', description: 'Stick', size, isSystem: false, isRemovable: true, busType: 'USB', mountpoints: [], isDevelopment: false });
  it('refuses a drive smaller than the image; an unknown size is left to the worker', () => {
    const report = sampleReport();
    expect(rawTooSmallReason(report, drive(report.fileSize))).toBeNull();
    expect(rawTooSmallReason(report, drive(report.fileSize - 1))).toMatchObject({ code: 'TARGET_TOO_SMALL' });
    expect(rawTooSmallReason(null, drive(1))).toBeNull();
  });
});

describe('restore choices', () => {
  it('labels follow the engine\'s rules: letters, digits, inner spaces, "-" and "_", 11 on FAT32 and 15 on exFAT', () => {
    expect(restoreLabelProblem('MY FILES', 'fat32')).toBeNull();
    expect(restoreLabelProblem('', 'fat32')).toMatch(/Enter a name/);
    expect(restoreLabelProblem(' STICK', 'fat32')).toMatch(/start or end with a space/);
    expect(restoreLabelProblem('a/b', 'exfat')).toMatch(/letters, digits/);
    expect(restoreLabelProblem('ABCDEFGHIJKL', 'fat32')).toMatch(/At most 11/);
    expect(restoreLabelProblem('ABCDEFGHIJKL', 'exfat')).toBeNull();
    expect(restoreLabelProblem('ABCDEFGHIJKLMNOP', 'exfat')).toMatch(/At most 15/);
  });
  it('FAT32 up to 32 GiB, exFAT above', () => {
    expect(defaultRestoreFs(32 * GiB)).toBe('fat32');
    expect(defaultRestoreFs(32 * GiB + 512)).toBe('exfat');
  });
});
