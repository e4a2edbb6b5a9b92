import { describe, expect, it } from 'vitest';
import { FatAttribute } from './directoryEntries';
import { FatLayoutError, type FatLayoutFailure } from './fatLayoutError';
import { allocatedRuns, MAX_FAT_FILE_SIZE, planFat, type FatLayout, type FatPlanRequest } from './fatLayout';
import { displayShortName } from './shortNames';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

const esp: FatPlanRequest = {
  volumeSize: 64 * MIB,
  label: 'EFI',
  volumeId: 0x1234abcd,
  hiddenSectors: 2048,
  files: [
    { path: '/EFI/BOOT/BOOTX64.EFI', size: 950_000 },
    { path: '/EFI/BOOT/grubx64.efi', size: 2_500_000 },
    { path: '/EFI/BOOT/grub.cfg', size: 1234 },
    { path: '/EFI/BOOT/mmx64.efi', size: 0 },
  ],
};

const liveStick: FatPlanRequest = {
  volumeSize: 16 * GIB,
  label: 'LIVE',
  volumeId: 0xabcd1234,
  hiddenSectors: 2048,
  files: [
    { path: '/LiveOS/squashfs.img', size: 2_600_000_000, alignment: MIB },
    { path: '/images/pxeboot/vmlinuz', size: 14_000_000 },
    { path: '/images/pxeboot/initrd.img', size: 120_000_001 },
    { path: '/boot/grub2/grub.cfg', size: 1500 },
    { path: '/LiveOS/overlay-LIVE-ABCD-1234', size: MAX_FAT_FILE_SIZE, content: { kind: 'reserve', zeroHead: 512 * 1024 }, alignment: MIB },
    { path: '/LiveOS/home.img', size: MAX_FAT_FILE_SIZE, content: { kind: 'external' }, alignment: MIB },
  ],
  directories: ['/EFI/BOOT'],
};

function reasonOf(request: FatPlanRequest): FatLayoutFailure | 'accepted' {
  try {
    planFat(request);
  } catch (error) {
    if (error instanceof FatLayoutError) return error.reason;
    throw error;
  }
  return 'accepted';
}

/** Every run inside the data region and no two runs sharing a cluster. */
function expectDisjointRuns(layout: FatLayout): void {
  const runs = allocatedRuns(layout);
  let nextFree = 2;
  for (const run of runs) {
    expect(run.firstCluster).toBeGreaterThanOrEqual(nextFree);
    nextFree = run.firstCluster + run.clusterCount;
  }
  expect(nextFree - 1).toBeLessThanOrEqual(layout.clusterCount + 1);
  const used = runs.reduce((sum, run) => sum + run.clusterCount, 0);
  expect(layout.freeClusters).toBe(layout.clusterCount - used);
}

describe('planFat', () => {
  it('plans an ESP as mkfs.fat would format it: FAT16, 2 KiB clusters, label in the root', () => {
    const layout = planFat(esp);
    expect(layout).toMatchObject({
      type: 'FAT16',
      bytesPerCluster: 2048,
      reservedSectors: 4,
      sectorsPerFat: 128,
      rootEntryCount: 512,
      hiddenSectors: 2048,
      media: 0xf8,
      volumeLabel: 'EFI',
      volumeId: 0x1234abcd,
      dataStart: (4 + 2 * 128 + 32) * 512,
    });
    const root = layout.directories[0];
    expect(root).toMatchObject({ path: '/', firstCluster: 0, offset: layout.rootDirStart, allocatedBytes: 512 * 32 });
    expect(root?.entries[0]).toMatchObject({ shortName: 'EFI        ', attributes: FatAttribute.VOLUME_ID, longName: null });
    expectDisjointRuns(layout);
  });

  it('places each file in one run and reports its offset in the volume', () => {
    const layout = planFat(esp);
    for (const file of layout.files) {
      if (file.size === 0) {
        expect(file).toMatchObject({ firstCluster: 0, clusterCount: 0, offset: 0 });
        continue;
      }
      expect(file.clusterCount).toBe(Math.ceil(file.size / layout.bytesPerCluster));
      expect(file.offset).toBe(layout.dataStart + (file.firstCluster - 2) * layout.bytesPerCluster);
    }
    // Directories come first, right after the root region, then the files in request order.
    const [efi, boot] = layout.directories.slice(1);
    expect(efi).toMatchObject({ path: '/EFI', firstCluster: 2, offset: layout.dataStart });
    expect(boot).toMatchObject({ path: '/EFI/BOOT', firstCluster: 3 });
    expect(layout.files.map((file) => file.firstCluster)).toEqual([4, 4 + 464, 4 + 464 + 1221, 0]);
  });

  it('names entries: 8.3 kept, LFN for the rest, dot entries pointing at the right clusters', () => {
    const layout = planFat(esp);
    const boot = layout.directories.find((directory) => directory.path === '/EFI/BOOT');
    expect(boot?.entries.map((entry) => [displayShortName(entry.shortName), entry.longName, entry.firstCluster])).toEqual([
      ['.', null, 3],
      ['..', null, 2],
      ['BOOTX64.EFI', null, 4],
      ['GRUBX64.EFI', 'grubx64.efi', 468],
      ['GRUB.CFG', 'grub.cfg', 1689],
      ['MMX64.EFI', 'mmx64.efi', 0],
    ]);
    const efi = layout.directories.find((directory) => directory.path === '/EFI');
    // §6: ".." of a child of the root is cluster 0.
    expect(efi?.entries[1]).toMatchObject({ shortName: '..         ', firstCluster: 0 });
  });

  it('plans a live stick: FAT32, 8 KiB clusters on 16 GiB, big files aligned to 1 MiB of the disk', () => {
    const layout = planFat(liveStick);
    expect(layout).toMatchObject({ type: 'FAT32', bytesPerCluster: 8192, reservedSectors: 32, rootCluster: 2, fsInfoSector: 1, backupBootSector: 6 });
    expect(layout.directories[0]).toMatchObject({ path: '/', firstCluster: 2, clusterCount: 1 });
    for (const file of layout.files.filter((_, index) => liveStick.files[index]?.alignment)) {
      expect((layout.hiddenSectors * 512 + file.offset) % MIB).toBe(0);
    }
    expect(layout.files.find((file) => file.path === '/LiveOS/home.img')?.content).toEqual({ kind: 'external' });
    expectDisjointRuns(layout);
    // Small files fill the gap the alignment of squashfs.img left before it.
    const squashfs = layout.files[0];
    const grubCfg = layout.files[3];
    expect(grubCfg && squashfs && grubCfg.firstCluster < squashfs.firstCluster).toBe(true);
  });

  it('sets the FSInfo hint to the first free cluster after the allocated ones', () => {
    const layout = planFat(liveStick);
    const last = Math.max(...allocatedRuns(layout).map((run) => run.firstCluster + run.clusterCount - 1));
    expect(layout.nextFreeCluster).toBe(last + 1);
    const full = planFat({ ...esp, files: [{ path: '/big', size: planFat(esp).clusterCount * 2048 }] });
    expect(full.freeClusters).toBe(0);
    expect(full.nextFreeCluster).toBe(0xffffffff);
  });

  it('gives the same layout for the same request', () => {
    expect(planFat(liveStick)).toEqual(planFat(liveStick));
  });

  it('honours an asked FAT type and records the hidden sectors', () => {
    const layout = planFat({ ...esp, fatType: 'FAT32', hiddenSectors: 1234 });
    expect(layout).toMatchObject({ type: 'FAT32', bytesPerCluster: 512, hiddenSectors: 1234 });
    expectDisjointRuns(layout);
  });

  it('grows a FAT16 root directory that must hold many long names', () => {
    const files = Array.from({ length: 300 }, (_, i) => ({ path: `/a file with a long name number ${i}.txt`, size: 1 }));
    const layout = planFat({ ...esp, files });
    expect(layout.rootEntryCount).toBeGreaterThan(512);
    const root = layout.directories[0];
    expect(root?.entries).toHaveLength(301);
  });

  it('refuses files of 4 GiB and more, and accepts 4 GiB − 1', () => {
    expect(reasonOf({ ...liveStick, files: [{ path: '/big', size: 4 * GIB }] })).toBe('file-too-large');
    expect(reasonOf({ ...liveStick, files: [{ path: '/big', size: 4 * GIB - 1 }] })).toBe('accepted');
  });

  it('refuses a volume the files do not fit in, with the sizes', () => {
    try {
      planFat({ ...esp, files: [{ path: '/big', size: 70 * MIB }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FatLayoutError);
      expect((error as FatLayoutError).reason).toBe('volume-too-small');
      expect((error as FatLayoutError).data).toMatchObject({ requiredBytes: 70 * MIB, availableBytes: 32695 * 2048 });
    }
    expect(reasonOf({ ...esp, volumeSize: 16 * 1024 })).toBe('volume-too-small');
  });

  it('refuses invalid and clashing names', () => {
    expect(reasonOf({ ...esp, files: [{ path: '/a:b', size: 1 }] })).toBe('name-invalid');
    expect(reasonOf({ ...esp, files: [{ path: '/a/../b', size: 1 }] })).toBe('name-invalid');
    expect(reasonOf({ ...esp, files: [{ path: '/', size: 1 }] })).toBe('name-invalid');
    expect(reasonOf({ ...esp, files: [{ path: '/Grub.cfg', size: 1 }, { path: '/grub.CFG', size: 1 }] })).toBe('name-invalid');
    expect(reasonOf({ ...esp, files: [...esp.files, { path: '/EFI', size: 1 }] })).toBe('name-invalid');
    expect(reasonOf({ ...esp, files: [{ path: '/EFI', size: 1 }, ...esp.files] })).toBe('name-invalid');
    expect(reasonOf({ ...esp, files: [{ path: '/x', size: 1 }, { path: '/x', size: 1 }] })).toBe('name-invalid');
    expect(reasonOf({ ...esp, files: [{ path: '/x', size: 1 }], directories: ['/X/y'] })).toBe('name-invalid');
  });

  it('refuses labels mkfs.fat refuses, and writes none for an empty one', () => {
    expect(reasonOf({ ...esp, label: 'TWELVE CHARS' })).toBe('label-invalid');
    expect(reasonOf({ ...esp, label: 'A.B' })).toBe('label-invalid');
    expect(reasonOf({ ...esp, label: ' LEAD' })).toBe('label-invalid');
    expect(reasonOf({ ...esp, label: 'ÉTÉ' })).toBe('label-invalid');
    const unlabelled = planFat({ ...esp, label: '' });
    expect(unlabelled.volumeLabel).toBeNull();
    expect(unlabelled.directories[0]?.entries[0]?.attributes).toBe(FatAttribute.DIRECTORY);
    expect(planFat({ ...esp, label: 'Fedora 40 ' }).volumeLabel).toBe('Fedora 40');
  });

  it('refuses impossible numbers as programming errors', () => {
    expect(() => planFat({ ...esp, volumeId: 2 ** 32 })).toThrow(RangeError);
    expect(() => planFat({ ...esp, files: [{ path: '/x', size: -1 }] })).toThrow(RangeError);
    expect(() => planFat({ ...esp, files: [{ path: '/x', size: 10, content: { kind: 'reserve', zeroHead: 11 } }] })).toThrow(RangeError);
    expect(() => planFat({ ...esp, files: [{ path: '/x', size: 10, alignment: 1000 }] })).toThrow(RangeError);
  });
});
