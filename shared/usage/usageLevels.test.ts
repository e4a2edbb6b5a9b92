import { describe, expect, it } from 'vitest';
import { formatDmStatus, homeWarnings, liveFilesystemWarnings, overlayWarnings, percentOf, usageLevel, usageWarnings } from './usageLevels';
import { UsageReport, type DmSnapshotOverlay, type HomeUsage, type ImageUsage, type LiveFilesystemUsage } from './usageReport';

function dm(allocated: number, total: number, state: DmSnapshotOverlay['state'] = 'in-use'): DmSnapshotOverlay {
  return {
    kind: 'dm-snapshot',
    path: '/LiveOS/overlay-LIVE-1234-ABCD',
    fileBytes: total * 512,
    state,
    kernelStatus: state === 'invalid' ? 'Invalid' : formatDmStatus(allocated, total, 16),
    chunkSectors: 8,
    allocatedSectors: allocated,
    totalSectors: total,
    metadataSectors: 16,
    allocatedBytes: allocated * 512,
    totalBytes: total * 512,
    metadataBytes: 16 * 512,
    exceptions: 0,
    percent: percentOf(allocated, total),
    note: null,
  };
}

function home(used: number, capacity: number): HomeUsage {
  return { path: '/LiveOS/home.img', fileBytes: capacity, encrypted: false, fs: 'ext4', label: 'HOME', capacityBytes: capacity, usedBytes: used, freeBytes: capacity - used, percent: percentOf(used, capacity), note: null };
}

const live: LiveFilesystemUsage = { partition: 1, start: 4194304, size: 1 << 30, fs: 'ext4', label: 'LIVE', uuid: 'u', capacityBytes: 1000, freeBytes: 30, usedBytes: 970, percent: 97 };

function image(overrides: Partial<ImageUsage>): ImageUsage {
  return { dir: 'LiveOS', bootLabel: null, bootEntries: [], rootImage: null, overlay: null, strayOverlays: [], home: null, ...overrides };
}

describe('percentOf', () => {
  it('rounds down to one decimal and shows 100 only when full', () => {
    expect(percentOf(16, 524288)).toBe(0);
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(2, 3)).toBe(66.6);
    expect(percentOf(9996, 10000)).toBe(99.9);
    expect(percentOf(10000, 10000)).toBe(100);
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(12, 10)).toBe(100);
  });
});

describe('usageLevel', () => {
  it('compares exactly at 80 % and 95 %', () => {
    expect(usageLevel(79_999, 100_000)).toBeNull();
    expect(usageLevel(80_000, 100_000)).toBe(80);
    expect(usageLevel(94_999, 100_000)).toBe(80);
    expect(usageLevel(95_000, 100_000)).toBe(95);
    expect(usageLevel(1, 0)).toBeNull();
  });
});

describe('formatDmStatus', () => {
  it('prints what dmsetup status prints', () => {
    expect(formatDmStatus(16, 524288, 16)).toBe('16/524288 16');
  });
});

describe('overlayWarnings', () => {
  it('says nothing below 80 %', () => {
    expect(overlayWarnings('LiveOS', dm(1000, 524288))).toEqual([]);
    expect(overlayWarnings('LiveOS', null)).toEqual([]);
  });

  it('warns at 80 % and is critical at 95 %, with what to do', () => {
    const [warning] = overlayWarnings('LiveOS', dm(420_000, 524288));
    expect(warning).toMatchObject({ severity: 'warning', threshold: 80, subject: 'overlay', dir: 'LiveOS', percent: 80.1 });
    expect(warning?.action).toMatch(/rd\.live\.overlay\.reset/);
    const [critical] = overlayWarnings('LiveOS', dm(500_000, 524288));
    expect(critical).toMatchObject({ severity: 'critical', threshold: 95 });
    // What is left is said in bytes: 24288 sectors of 512 bytes.
    expect(critical?.message).toBe('The overlay of /LiveOS is 95.3% full (11.9 MiB left).');
  });

  it('is critical for an overflowed or invalid overlay whatever the percentage', () => {
    expect(overlayWarnings('LiveOS', dm(524288, 524288, 'overflowed'))[0]).toMatchObject({ severity: 'critical', threshold: 95 });
    const [invalid] = overlayWarnings('F42', dm(100, 524288, 'invalid'));
    expect(invalid).toMatchObject({ severity: 'critical', threshold: null, dir: 'F42' });
    expect(invalid?.message).toMatch(/invalid/);
  });

  it('counts an OverlayFS directory against the free space it grows into', () => {
    const warnings = overlayWarnings('LiveOS', { kind: 'overlayfs-dir', path: '/LiveOS/overlay-L-U', workPath: '/LiveOS/ovlwork', state: 'in-use', usedBytes: 900, entries: 10, availableBytes: 100, percent: 90, note: null });
    expect(warnings[0]).toMatchObject({ threshold: 80, subject: 'overlay' });
  });
});

describe('homeWarnings', () => {
  it('warns on a nearly full home, never on an encrypted one it cannot measure', () => {
    expect(homeWarnings('LiveOS', home(96, 100))[0]).toMatchObject({ severity: 'critical', subject: 'home' });
    expect(homeWarnings('LiveOS', home(50, 100))).toEqual([]);
    expect(homeWarnings('LiveOS', { ...home(0, 100), encrypted: true, usedBytes: null, capacityBytes: null, percent: null })).toEqual([]);
  });
});

describe('liveFilesystemWarnings', () => {
  it('only matters when an OverlayFS directory grows into the stick', () => {
    expect(liveFilesystemWarnings(live, [image({ overlay: dm(16, 1000) })])).toEqual([]);
    const dirOverlay = { kind: 'overlayfs-dir' as const, path: '/LiveOS/overlay-L-U', workPath: '/LiveOS/ovlwork', state: 'in-use' as const, usedBytes: 10, entries: 1, availableBytes: 30, percent: 25, note: null };
    expect(liveFilesystemWarnings(live, [image({ overlay: dirOverlay })])[0]).toMatchObject({ subject: 'live-filesystem', threshold: 95, dir: null });
  });
});

describe('usageWarnings and the report schema', () => {
  it('collects every image and validates as a report', () => {
    const images = [image({ overlay: dm(500_000, 524288), home: home(85, 100) }), image({ dir: 'F42', overlay: dm(16, 524288) })];
    const warnings = usageWarnings(live, images);
    expect(warnings.map((w) => [w.dir, w.subject, w.threshold])).toEqual([
      ['LiveOS', 'overlay', 95],
      ['LiveOS', 'home', 80],
    ]);
    const report = {
      source: 'offline',
      stick: { path: '/dev/sdb', size: 1 << 30, kind: 'block-device', partitionTable: 'mbr', partitions: [] },
      live,
      images,
      warnings,
      notes: [],
      stats: { bytesRead: 4096, elapsedMs: 1.5 },
    };
    expect(UsageReport.parse(report)).toEqual(report);
    expect(() => UsageReport.parse({ ...report, images: [image({ overlay: { ...dm(1, 2), allocatedSectors: -1 } })] })).toThrow();
  });
});
