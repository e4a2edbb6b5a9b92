import { describe, expect, it } from 'vitest';
import { applyLiveBoot, parseDmSnapshotStatus } from './liveMode';
import { UsageReport } from '../../../shared/usage/usageReport';

describe('parseDmSnapshotStatus', () => {
  it('reads the figures and the failure words as the kernel prints them', () => {
    expect(parseDmSnapshotStatus('0 2097152 snapshot 4208/524280 24')).toEqual({ kind: 'figures', allocated: 4208, total: 524280, metadata: 24, text: '4208/524280 24' });
    expect(parseDmSnapshotStatus('0 2097152 snapshot Invalid')).toEqual({ kind: 'Invalid', text: 'Invalid' });
    expect(parseDmSnapshotStatus('0 2097152 snapshot Overflow')).toEqual({ kind: 'Overflow', text: 'Overflow' });
    expect(parseDmSnapshotStatus('0 2097152 linear')).toBeNull();
    expect(parseDmSnapshotStatus('device live-rw not found')).toBeNull();
  });
});

const offline = UsageReport.parse({
  stick: { path: '/dev/sda', size: 1 << 30, kind: 'block-device', partitionTable: 'mbr', partitions: [] },
  live: { partition: 1, start: 4194304, size: 1 << 29, fs: 'ext4', label: 'LIVE', uuid: 'u', capacityBytes: 500_000_000, freeBytes: 400_000_000, usedBytes: 100_000_000, percent: 20 },
  images: [
    {
      dir: 'LiveOS',
      bootLabel: 'Start',
      bootEntries: ['Start'],
      rootImage: null,
      strayOverlays: [],
      home: null,
      overlay: { kind: 'dm-snapshot', path: '/LiveOS/overlay-LIVE-u', fileBytes: 268431360, state: 'in-use', kernelStatus: '4208/524280 24', chunkSectors: 8, allocatedSectors: 4208, totalSectors: 524280, metadataSectors: 24, allocatedBytes: 4208 * 512, totalBytes: 524280 * 512, metadataBytes: 24 * 512, exceptions: 523, percent: 0.8, note: null },
    },
    { dir: 'Other', bootLabel: null, bootEntries: [], rootImage: null, strayOverlays: [], home: null, overlay: null },
  ],
  warnings: [],
  notes: [],
  stats: { bytesRead: 0, elapsedMs: 1 },
});

describe('applyLiveBoot', () => {
  it('puts the kernel figures on the running image only, and says so', () => {
    const live = applyLiveBoot(offline, { dir: 'LiveOS', dmStatus: { kind: 'figures', allocated: 500_000, total: 524280, metadata: 1984, text: '500000/524280 1984' }, live: { capacityBytes: 500_000_000, freeBytes: 10_000_000 }, home: null });
    expect(live.source).toBe('live');
    expect(live.images[0]?.overlay).toMatchObject({ state: 'in-use', kernelStatus: '500000/524280 1984', allocatedSectors: 500_000, metadataSectors: 1984, exceptions: (500_000 - 1984) / 8, percent: 95.3 });
    expect(live.images[1]).toEqual(offline.images[1]);
    expect(live.live).toMatchObject({ freeBytes: 10_000_000, usedBytes: 490_000_000, percent: 98 });
    expect(live.warnings.map((w) => [w.subject, w.severity])).toEqual(expect.arrayContaining([['overlay', 'critical']]));
    expect(live.notes[0]).toContain('dmsetup status live-rw');
  });

  it('an Overflow from the kernel is an overflowed overlay', () => {
    const live = applyLiveBoot(offline, { dir: 'LiveOS', dmStatus: { kind: 'Overflow', text: 'Overflow' }, live: { capacityBytes: 500_000_000, freeBytes: 400_000_000 }, home: null });
    expect(live.images[0]?.overlay).toMatchObject({ state: 'overflowed', kernelStatus: 'Overflow' });
  });
});
