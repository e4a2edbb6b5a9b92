import { describe, expect, it } from 'vitest';
import { ADD_MARGIN } from '../../shared/plan/addFootprint';
import { sampleReport } from '../../shared/plan/testing/sampleReport';
import { addSizeBounds, cannotAddReason, defaultAddSizes, estimateAdd, type StickRoom } from './addPlanning';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** The sample ISO's root image, kernel and initrd: 700 + 15 + 100 MiB. */
const report = sampleReport({ squashfsSize: 700 * MiB });
const IMAGE = 815 * MiB;
const ext4 = (freeBytes: number): StickRoom => ({ fs: 'ext4', label: 'LIVE', freeBytes });

describe('estimateAdd', () => {
  it('counts the image, the overlay and the home as the worker will, and what stays free', () => {
    const result = estimateAdd(report, ext4(4 * GiB), { overlaySize: 512 * MiB, homeSize: 256 * MiB });
    if (!result.ok) throw new Error(result.problems[0]?.message);
    expect(result.estimate).toMatchObject({ imageBytes: IMAGE, homeBytes: 256 * MiB, persistence: 'dm-snapshot', freeBytes: 4 * GiB });
    expect(result.estimate.overlayBytes).toBeGreaterThan(500 * MiB);
    expect(result.estimate.needBytes).toBe(IMAGE + result.estimate.overlayBytes + 256 * MiB + ADD_MARGIN + MiB);
    expect(result.estimate.defaultName).toBe('Fedora-Workstation-Live 41');
    const again = estimateAdd(report, ext4(4 * GiB), { overlaySize: 0, homeSize: 0 }, ['Fedora-Workstation-Live 41']);
    expect(again.ok && again.estimate.defaultName).toBe('Fedora-Workstation-Live 41 (Fedora-WS-Live-41)');
  });

  it('too little room: TARGET_TOO_SMALL saying by how much', () => {
    const result = estimateAdd(report, ext4(1 * GiB), { overlaySize: 512 * MiB, homeSize: 0 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'TARGET_TOO_SMALL', data: { haveBytes: GiB } });
    expect(result.problems[0]?.message).toMatch(/short\. Choose a smaller overlay or home, or remove an image first\.$/);
  });

  it('F2FS sticks and images without a live layout are refused with the engine\'s codes', () => {
    const f2fs: StickRoom = { fs: 'f2fs', label: 'LIVE', freeBytes: 8 * GiB };
    expect(cannotAddReason(f2fs)?.code).toBe('MULTI_NOT_POSSIBLE');
    expect(cannotAddReason(ext4(GiB))).toBeNull();
    expect(estimateAdd(report, f2fs, { overlaySize: 0, homeSize: 0 })).toMatchObject({ ok: false, problems: [{ code: 'MULTI_NOT_POSSIBLE' }] });
    expect(estimateAdd(sampleReport({ family: 'debian-live' }), ext4(8 * GiB), { overlaySize: 0, homeSize: 0 })).toMatchObject({ ok: false, problems: [{ code: 'FAMILY_NOT_SUPPORTED' }] });
  });

  it('a flat image gets OverlayFS (a directory on ext4, an image file on FAT)', () => {
    const flat = sampleReport({ squashfsSize: 700 * MiB, contents: 'flat' });
    const onExt4 = estimateAdd(flat, ext4(4 * GiB), { overlaySize: 512 * MiB, homeSize: 0 });
    const onVfat = estimateAdd(flat, { fs: 'vfat', label: 'LIVE', freeBytes: 4 * GiB }, { overlaySize: 512 * MiB, homeSize: 0 });
    expect(onExt4.ok && onExt4.estimate.persistence).toBe('overlayfs-dir');
    expect(onVfat.ok && onVfat.estimate.persistence).toBe('overlayfs-image');
  });
});

describe('the sliders', () => {
  it('stop where the add still fits, in 16 MiB steps', () => {
    const room = ext4(2 * GiB);
    const { maxOverlay, maxHome } = addSizeBounds(report, room, { overlaySize: 256 * MiB, homeSize: 128 * MiB });
    expect(maxOverlay % (16 * MiB)).toBe(0);
    expect(estimateAdd(report, room, { overlaySize: maxOverlay, homeSize: 128 * MiB }).ok).toBe(true);
    expect(estimateAdd(report, room, { overlaySize: maxOverlay + 16 * MiB, homeSize: 128 * MiB }).ok).toBe(false);
    expect(estimateAdd(report, room, { overlaySize: 256 * MiB, homeSize: maxHome }).ok).toBe(true);
    expect(estimateAdd(report, room, { overlaySize: 256 * MiB, homeSize: maxHome + 16 * MiB }).ok).toBe(false);
    // A stick without room for the image itself offers nothing.
    expect(addSizeBounds(report, ext4(800 * MiB), { overlaySize: 0, homeSize: 0 })).toEqual({ maxOverlay: 0, maxHome: 0 });
  });

  it('start at half the room for the overlay and half the rest for home, each at most 2 GiB, and fit', () => {
    const small = defaultAddSizes(report, ext4(2 * GiB));
    expect(small.overlaySize).toBeGreaterThan(0);
    expect(small.homeSize).toBeGreaterThan(0);
    expect(estimateAdd(report, ext4(2 * GiB), small).ok).toBe(true);
    expect(defaultAddSizes(report, ext4(64 * GiB))).toEqual({ overlaySize: 2 * GiB, homeSize: 2 * GiB });
  });
});
