import { describe, expect, it } from 'vitest';
import { UsageReport } from '../../../shared/usage/usageReport';
import { BufferByteSource } from '../io/bufferByteSource';
import { SyntheticExt4 } from '../fs/ext4/reader/testing/syntheticExt4';
import { readStickUsageFrom } from './readStickUsage';
import { cowBytes, expectedStatus } from './testing/syntheticCow';
import { grubMenu, syntheticFatStick } from './testing/syntheticStick';

const MiB = 1024 * 1024;
const UUID = '1234-ABCD';
const OVERLAY = `overlay-LIVE-${UUID}`;

/** An ext4 image of 2048 1 KiB blocks with `free` free blocks, and optionally OverlayFS dirs. */
function ext4Image(free: number, overlayDirs = false): Buffer {
  const fs = new SyntheticExt4({ freeBlocks: free });
  if (overlayDirs) {
    const data = fs.alloc(2);
    fs.addExtentFile(14, 2048, [{ logical: 0, physical: data, length: 2 }]);
    fs.addDirectory(12, fs.directoryBlocks([{ name: 'changed-file', inode: 14, type: 1 }]));
    fs.addDirectory(13, fs.directoryBlocks([]));
    fs.addDirectory(2, fs.directoryBlocks([
      { name: 'overlayfs', inode: 12, type: 2 },
      { name: 'ovlwork', inode: 13, type: 2 },
    ]));
  } else {
    fs.addDirectory(2, fs.directoryBlocks([]));
  }
  return fs.finish();
}

/** The start of a btrfs image: zeros, then the superblock magic at 64 KiB + 0x40. */
function btrfsImage(): Buffer {
  const bytes = Buffer.alloc(128 * 1024);
  bytes.write('_BHRfS_M', 0x10040, 'latin1');
  return bytes;
}

function luks2(): Buffer {
  const bytes = Buffer.alloc(64 * 1024, 0x33);
  bytes.write('LUKS\xba\xbe', 0, 'latin1');
  bytes.writeUInt16BE(2, 6);
  return bytes;
}

async function stick(): Promise<Buffer> {
  const squash = Buffer.alloc(4096, 0x68);
  return syntheticFatStick({
    liveFiles: [
      { path: '/LiveOS/squashfs.img', bytes: squash },
      { path: `/LiveOS/${OVERLAY}`, bytes: cowBytes({ chunkSectors: 8, exceptions: 300, fileSize: 2 * MiB }) },
      { path: '/LiveOS/overlay-OLD-0000-0000', bytes: Buffer.alloc(4096) },
      { path: '/LiveOS/home.img', bytes: ext4Image(300) },
      { path: '/F42/squashfs.img', bytes: squash },
      { path: `/F42/${OVERLAY}`, bytes: Buffer.alloc(MiB) },
      { path: '/F42/home.img', bytes: luks2() },
      { path: '/OVL/rootfs.img', bytes: squash },
      { path: `/OVL/${OVERLAY}`, bytes: ext4Image(1000, true) },
      { path: '/DIR/squashfs.img', bytes: squash },
      { path: `/DIR/${OVERLAY}/etc/hostname`, bytes: Buffer.from('live\n') },
      { path: `/DIR/${OVERLAY}/var/big`, bytes: Buffer.alloc(10_000, 1) },
      { path: '/FULL/squashfs.img', bytes: squash },
      { path: `/FULL/${OVERLAY}`, bytes: cowBytes({ chunkSectors: 8, exceptions: 254, fileSize: MiB }) },
      { path: '/BTR/squashfs.img', bytes: squash },
      { path: `/BTR/${OVERLAY}`, bytes: btrfsImage() },
      { path: '/BAD/squashfs.img', bytes: squash },
      { path: `/BAD/${OVERLAY}`, bytes: cowBytes({ chunkSectors: 8, exceptions: 3, fileSize: MiB, valid: 0 }) },
      { path: '/boot/grub2/grub.cfg', bytes: grubMenu(UUID, [{ title: 'Main', dir: null }]) },
      { path: '/images/pxeboot/vmlinuz', bytes: Buffer.alloc(100) },
    ],
    liveDirectories: ['/DIR/ovlwork', '/Documents'],
    espFiles: [
      {
        path: '/EFI/BOOT/grub.cfg',
        bytes: grubMenu(UUID, [
          { title: 'Main', dir: 'LiveOS' },
          { title: 'Main (basic graphics)', dir: 'LiveOS', extra: 'nomodeset' },
          { title: 'Fedora 42', dir: 'F42' },
        ]),
      },
    ],
  });
}

describe('readStickUsageFrom', () => {
  it('reports every live image of a FAT stick: overlays of each kind, homes, boot labels, warnings', async () => {
    const bytes = await stick();
    const report = await readStickUsageFrom(new BufferByteSource(bytes), { path: '/tmp/stick.img', kind: 'image-file' });
    expect(UsageReport.parse(report)).toEqual(report);
    expect(report.stick).toMatchObject({ partitionTable: 'mbr', size: bytes.length });
    expect(report.stick.partitions.map((p) => [p.index, p.fs, p.label])).toEqual([
      [1, 'vfat', 'LIVE'],
      [2, 'vfat', 'ESP'],
    ]);
    expect(report.live).toMatchObject({ partition: 1, fs: 'vfat', label: 'LIVE', uuid: UUID });
    expect(report.live.freeBytes).toBeGreaterThan(0);
    expect(report.live.usedBytes + report.live.freeBytes).toBe(report.live.capacityBytes);
    expect(report.images.map((i) => i.dir)).toEqual(['LiveOS', 'BAD', 'BTR', 'DIR', 'F42', 'FULL', 'OVL']);
    const byDir = Object.fromEntries(report.images.map((i) => [i.dir, i]));

    const live = byDir.LiveOS;
    expect(live?.bootLabel).toBe('Main');
    expect(live?.bootEntries).toEqual(['Main', 'Main (basic graphics)']);
    expect(live?.rootImage).toEqual({ path: '/LiveOS/squashfs.img', bytes: 4096 });
    const status = expectedStatus(8, 300, 2 * MiB);
    expect(live?.overlay).toMatchObject({
      kind: 'dm-snapshot',
      path: `/LiveOS/${OVERLAY}`,
      state: 'in-use',
      allocatedSectors: status.allocated,
      totalSectors: status.total,
      metadataSectors: status.metadata,
      kernelStatus: `${status.allocated}/${status.total} ${status.metadata}`,
      exceptions: 300,
      allocatedBytes: status.allocated * 512,
    });
    expect(live?.strayOverlays).toEqual(['/LiveOS/overlay-OLD-0000-0000']);
    expect(report.notes.some((n) => n.includes('overlay-OLD-0000-0000') && n.includes(OVERLAY))).toBe(true);
    // df's view: 2048 blocks less 21 of overhead (boot block, superblock, descriptors, bitmaps, inode table).
    expect(live?.home).toMatchObject({ fs: 'ext4', encrypted: false, label: 'SYNTH', capacityBytes: 2027 * 1024, freeBytes: 300 * 1024, usedBytes: 1727 * 1024, percent: 85.1 });

    expect(byDir.F42?.bootLabel).toBe('Fedora 42');
    expect(byDir.F42?.overlay).toMatchObject({ kind: 'dm-snapshot', state: 'fresh', kernelStatus: '16/2048 16' });
    expect(byDir.F42?.home).toMatchObject({ encrypted: true, fs: 'luks2', usedBytes: null, fileBytes: 64 * 1024 });

    expect(byDir.OVL?.rootImage?.path).toBe('/OVL/rootfs.img');
    expect(byDir.OVL?.overlay).toMatchObject({ kind: 'overlayfs-image', state: 'in-use', fs: 'ext4', capacityBytes: 2027 * 1024, freeBytes: 1000 * 1024 });
    expect(byDir.OVL?.bootLabel).toBeNull();

    const dir = byDir.DIR?.overlay;
    expect(dir).toMatchObject({ kind: 'overlayfs-dir', workPath: '/DIR/ovlwork', state: 'in-use', entries: 4, availableBytes: report.live.freeBytes });
    expect(dir?.kind === 'overlayfs-dir' && dir.usedBytes).toBeGreaterThanOrEqual(10_005);

    expect(byDir.FULL?.overlay).toMatchObject({ state: 'overflowed', allocatedSectors: 2048, totalSectors: 2048, percent: 100 });
    expect(byDir.BAD?.overlay).toMatchObject({ state: 'invalid', kernelStatus: 'Invalid' });
    // Zeros at the start, but a btrfs superblock at 64 KiB: an OverlayFS image, not a fresh store.
    expect(byDir.BTR?.overlay).toMatchObject({ kind: 'unsupported', note: expect.stringMatching(/btrfs/) });

    expect(report.warnings.map((w) => [w.dir, w.subject, w.severity, w.threshold])).toEqual([
      ['LiveOS', 'home', 'warning', 80],
      ['BAD', 'overlay', 'critical', null],
      ['FULL', 'overlay', 'critical', 95],
    ]);
  });

  it('reads the same report whatever case the FAT names are asked in', async () => {
    const report = await readStickUsageFrom(new BufferByteSource(await stick()), { path: 's', kind: 'image-file' });
    expect(report.images.find((i) => i.dir === 'F42')?.overlay?.path).toBe(`/F42/${OVERLAY}`);
  });

  it('says there is no live image on a stick without one', async () => {
    const bytes = await syntheticFatStick({ liveFiles: [{ path: '/README.txt', bytes: Buffer.from('hello') }] });
    await expect(readStickUsageFrom(new BufferByteSource(bytes), { path: '/dev/sdz', kind: 'block-device' })).rejects.toMatchObject({ code: 'STICK_NO_LIVE_IMAGE' });
    const blank = Buffer.alloc(4 * MiB);
    await expect(readStickUsageFrom(new BufferByteSource(blank), { path: 'blank.img', kind: 'image-file' })).rejects.toMatchObject({ code: 'STICK_NO_LIVE_IMAGE' });
  });

  it('finds a live filesystem with no partition table (a superfloppy)', async () => {
    const bytes = await syntheticFatStick({ liveFiles: [{ path: '/LiveOS/squashfs.img', bytes: Buffer.alloc(10) }, { path: `/LiveOS/${OVERLAY}`, bytes: Buffer.alloc(MiB) }] });
    const volume = bytes.subarray(MiB); // the partition alone
    const report = await readStickUsageFrom(new BufferByteSource(volume), { path: 'p1.img', kind: 'image-file' });
    expect(report.stick.partitionTable).toBe('none');
    expect(report.live.partition).toBeNull();
    expect(report.images[0]?.overlay).toMatchObject({ kind: 'dm-snapshot', state: 'fresh' });
    expect(report.images[0]?.home).toBeNull();
  });
});
