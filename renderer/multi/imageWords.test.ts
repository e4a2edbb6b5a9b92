import { describe, expect, it } from 'vitest';
import type { DmSnapshotOverlay, HomeUsage, ImageUsage } from '../../shared/usage/usageReport';
import { ADD_PHASES, ADD_PHASE_WORDS, addFailureState, homeLine, imageTitle, overlayLine, persistenceWords, removeLosses } from './imageWords';

const MiB = 2 ** 20;
const overlay: DmSnapshotOverlay = {
  kind: 'dm-snapshot',
  path: '/b9i5/overlay-LIVE-372c4cf1-53b0-4109-9fd2-0bd06e1c675a',
  fileBytes: 128 * MiB,
  state: 'in-use',
  kernelStatus: '2064/262144 16',
  chunkSectors: 8,
  allocatedSectors: 2064,
  totalSectors: 262144,
  metadataSectors: 16,
  allocatedBytes: 2064 * 512,
  totalBytes: 128 * MiB,
  metadataBytes: 8192,
  exceptions: 256,
  percent: 0.7,
  note: null,
};
const home: HomeUsage = { path: '/b9i5/home.img', fileBytes: 64 * MiB, encrypted: false, fs: 'ext4', label: 'HOME', capacityBytes: 58 * MiB, usedBytes: 14336, freeBytes: 58 * MiB, percent: 0, note: null };
const usage: ImageUsage = { dir: 'b9i5', bootLabel: 'Stickwright fixture (SW-FIXTURE-2)', bootEntries: [], rootImage: { path: '/b9i5/squashfs.img', bytes: 5898240 }, overlay, strayOverlays: [], home };
const entry = { dir: 'b9i5', name: 'Stickwright fixture (SW-FIXTURE-2)', isDefault: false, metaSource: 'file' as const };

describe('imageWords', () => {
  it('names an image by its menu title, else by its directory', () => {
    expect(imageTitle(entry)).toBe('Stickwright fixture (SW-FIXTURE-2)');
    expect(imageTitle({ ...entry, name: null })).toBe('/b9i5');
  });

  it('describes overlay and home as `stickwright list` does', () => {
    expect(overlayLine(overlay)).toBe('dm-snapshot file, 128 MiB, 0.7% used');
    expect(overlayLine(null)).toBe('None: changes are lost at power-off');
    expect(overlayLine({ kind: 'overlayfs-dir', path: '/x/overlay', workPath: '/x/ovlwork', state: 'in-use', usedBytes: 3 * MiB, entries: 4, availableBytes: MiB, percent: 75, note: null })).toBe('OverlayFS directory, 3 MiB used; grows into the free space');
    expect(homeLine(home)).toBe('64 MiB, 0% used');
    expect(homeLine({ ...home, encrypted: true, fs: 'luks2', percent: null })).toBe('64 MiB, encrypted (luks2)');
    expect(homeLine(null)).toBe('None: /home lives in the overlay');
  });

  it('says everything a remove deletes', () => {
    expect(removeLosses(entry, usage)).toEqual(['the live system in /b9i5 (5.63 MiB)', 'its overlay, with every system change it holds', 'its home.img (64 MiB), with every file in it']);
    expect(removeLosses(entry, { ...usage, overlay: null, home: null, rootImage: null })).toEqual(['the live system in /b9i5']);
  });

  it('words the new image\'s persistence and the add\'s phases', () => {
    expect(persistenceWords('dm-snapshot', 128 * MiB)).toBe('128 MiB overlay file (device-mapper snapshot)');
    expect(persistenceWords('overlayfs-dir', 0)).toBe('OverlayFS directory, growing into the free space');
    expect(ADD_PHASES.map((p) => ADD_PHASE_WORDS[p])).toEqual(['Checking the image and the stick', 'Copying the live system', 'Making its overlay and home', 'Rewriting the boot menu', 'Reading the stick back']);
  });
});

describe('addFailureState', () => {
  it('a refusal or a cancel leaves the stick as it was; a failed read-back or a dead helper says to look', () => {
    expect(addFailureState('TARGET_TOO_SMALL', 'preflight')).toMatch(/^The stick is as it was/);
    expect(addFailureState('CANCELLED', 'copy')).toMatch(/^The stick is as it was/);
    expect(addFailureState('VERIFY_FAILED', 'verify')).toMatch(/does not read back as expected/);
    expect(addFailureState('WORKER_FAILED', null)).toMatch(/without saying how far it got/);
  });
});
