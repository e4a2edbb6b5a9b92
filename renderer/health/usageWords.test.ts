import { describe, expect, it } from 'vitest';
import { UsageReport, type DmSnapshotOverlay, type HomeUsage, type OverlayUsage } from '../../shared/usage/usageReport';
import { canResetOffline, freeSpaceBar, growAdvice, growBounds, suggestedGrowSize, homeBar, homeSummary, kernelFigure, levelTone, overlayBar, overlayKindWords, resetCommand, sectorDetail, shellWord, stateWords, stickSummary } from './usageWords';

const MiB = 1024 * 1024;

/** What `stickwright usage --json` said about a freshly written 1 GiB ext4 stick (256M overlay, 128M home). */
const fresh: DmSnapshotOverlay = {
  kind: 'dm-snapshot',
  path: '/LiveOS/overlay-LIVE-4ce1f080-b1d0-458a-becb-d1cd9e01b5f2',
  fileBytes: 268431360,
  state: 'fresh',
  kernelStatus: '16/524280 16',
  chunkSectors: 8,
  allocatedSectors: 16,
  totalSectors: 524280,
  metadataSectors: 16,
  allocatedBytes: 8192,
  totalBytes: 268431360,
  metadataBytes: 8192,
  exceptions: 0,
  percent: 0,
  note: 'Not used yet: the kernel sets it up at the first boot with persistence.',
};
const home: HomeUsage = { path: '/LiveOS/home.img', fileBytes: 128 * MiB, encrypted: false, fs: 'ext4', label: 'HOME', capacityBytes: 120015872, usedBytes: 14336, freeBytes: 120001536, percent: 0, note: null };

function report(overlay: OverlayUsage | null, kind: 'image-file' | 'block-device' = 'image-file', path = '/tmp/stick.img'): UsageReport {
  return UsageReport.parse({
    stick: { path, size: 1073741824, kind, partitionTable: 'mbr', partitions: [] },
    live: { partition: 1, start: 4 * MiB, size: 1031798784, fs: 'ext4', label: 'LIVE', uuid: 'u', capacityBytes: 996294656, freeBytes: 560201728, usedBytes: 436092928, percent: 43.7 },
    images: [{ dir: 'LiveOS', bootLabel: 'Start', bootEntries: ['Start'], rootImage: null, overlay, strayOverlays: [], home }],
    warnings: [],
    notes: [],
    stats: { bytesRead: 1, elapsedMs: 1 },
  });
}

describe('the health view says what the CLI says', () => {
  it('a fresh dm-snapshot overlay: kind, state, the kernel figure and a bar from the report’s own percent', () => {
    expect(overlayKindWords(fresh)).toBe('dm-snapshot file');
    expect(stateWords(fresh.state)).toMatchObject({ label: 'Fresh', tone: 'ok' });
    expect(kernelFigure(fresh)).toBe('16/524280 16');
    expect(sectorDetail(fresh)).toBe('In 512-byte sectors: 16 of 524280 allocated, 16 of them metadata; 0 changed blocks of 8 sectors (4 KiB).');
    expect(overlayBar(fresh)).toEqual({ used: 8192, total: 268431360, percent: 0, tone: 'ok', text: '8 KiB of 256.0 MiB used (0%)' });
  });

  it('tones follow the 80 % and 95 % thresholds exactly, and a full or invalid store is critical whatever its figures', () => {
    expect(levelTone(79, 100)).toBe('ok');
    expect(levelTone(80, 100)).toBe('warning');
    expect(levelTone(94, 100)).toBe('warning');
    expect(levelTone(95, 100)).toBe('critical');
    expect(overlayBar({ ...fresh, state: 'invalid', kernelStatus: 'Invalid', allocatedBytes: 4096 * 600 })?.tone).toBe('critical');
    expect(overlayBar({ ...fresh, state: 'overflowed' })?.tone).toBe('critical');
    expect(stateWords('overflowed').label).toBe('FULL (overflowed)');
    expect(stateWords('invalid').label).toBe('INVALID');
  });

  it('OverlayFS kinds in words; a directory too big to walk has no bar', () => {
    expect(overlayKindWords({ kind: 'overlayfs-dir', path: '/LiveOS/overlay-LIVE-u', workPath: '/LiveOS/ovlwork', state: 'in-use', usedBytes: null, entries: null, availableBytes: 5, percent: null, note: null })).toBe('OverlayFS directory');
    expect(overlayBar({ kind: 'overlayfs-dir', path: '/p', workPath: '/w', state: 'in-use', usedBytes: null, entries: null, availableBytes: 5, percent: null, note: null })).toBeNull();
    const image: OverlayUsage = { kind: 'overlayfs-image', path: '/LiveOS/overlay-LIVE-u', fileBytes: 64 * MiB, state: 'in-use', fs: 'ext4', capacityBytes: 100, usedBytes: 96, freeBytes: 4, percent: 96, note: null };
    expect(overlayKindWords(image)).toBe('OverlayFS image (ext4)');
    expect(overlayBar(image)).toMatchObject({ percent: 96, tone: 'critical' });
    expect(kernelFigure(image)).toBeNull();
  });

  it('home: size and use, or “encrypted, N MiB”', () => {
    expect(homeSummary(home)).toBe('128 MiB, ext4 “HOME”');
    expect(homeBar(home)?.text).toBe('14 KiB of 114.5 MiB used, 114.4 MiB free (0%)');
    const encrypted: HomeUsage = { ...home, encrypted: true, fs: 'luks2', label: null, capacityBytes: null, usedBytes: null, freeBytes: null, percent: null };
    expect(homeSummary(encrypted)).toBe('encrypted (luks2), 128 MiB');
    expect(homeBar(encrypted)).toBeNull();
  });

  it('the stick’s free space, neutral unless an OverlayFS directory grows into it', () => {
    expect(freeSpaceBar(report(fresh))).toMatchObject({ percent: 43.7, tone: 'neutral', text: '534.3 MiB free of 950.1 MiB (43.7% used)' });
    expect(stickSummary(report(fresh))).toBe('Image file, 1 GiB, MBR partition table');
  });

  it('the reset command: sudo for a device, a quoted path when it needs one; only kinds the CLI can reset offline', () => {
    expect(resetCommand(report(fresh, 'block-device', '/dev/sdb'), 'LiveOS')).toBe('sudo stickwright reset-overlay /dev/sdb --dir LiveOS');
    expect(resetCommand(report(fresh, 'image-file', "/tmp/my stick's.img"), 'LiveOS')).toBe(`stickwright reset-overlay '/tmp/my stick'\\''s.img' --dir LiveOS`);
    expect(shellWord('/dev/disk/by-id/usb-SanDisk_3.2Gen1-0:0')).toBe('/dev/disk/by-id/usb-SanDisk_3.2Gen1-0:0');
    expect(canResetOffline(fresh)).toBe(true);
    expect(canResetOffline(null)).toBe(false);
    expect(canResetOffline({ kind: 'overlayfs-dir', path: '/p', workPath: '/w', state: 'in-use', usedBytes: 1, entries: 1, availableBytes: 5, percent: 1, note: null })).toBe(false);
  });

  it('grow: the command where `stickwright grow` can (dm-snapshot on ext4, not full), else why not', () => {
    expect(suggestedGrowSize(256 * MiB - 4096, 534 * MiB)).toBe('512M');
    expect(suggestedGrowSize(512 * MiB, 4096 * MiB)).toBe('1G');
    expect(suggestedGrowSize(256 * MiB, 100 * MiB)).toBe('304M');
    expect(suggestedGrowSize(256 * MiB, 20 * MiB)).toBeNull();
    expect(growBounds(256 * MiB - 4096, 534 * MiB)).toEqual({ minMiB: 257, maxMiB: 785, suggestedMiB: 512 });
    expect(growAdvice(report(fresh, 'block-device', '/dev/sdb'), 'LiveOS', fresh).command).toBe('sudo stickwright grow /dev/sdb --overlay 512M --dir LiveOS');
    expect(growAdvice(report(fresh), 'LiveOS', { ...fresh, state: 'overflowed' })).toMatchObject({ command: null, text: expect.stringContaining('Reset it first') });
    const vfat = report(fresh);
    expect(growAdvice({ ...vfat, live: { ...vfat.live, fs: 'vfat' } }, 'LiveOS', fresh)).toMatchObject({ command: null, text: expect.stringContaining('ext4 sticks only') });
  });
});
