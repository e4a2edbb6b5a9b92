// Sticks made the way livecd-iso-to-disk makes them (e2e/litdStick.ts, following the spec):
// `stickwright usage` reads them as the kernel will use them, and `reset-overlay` works on them.
// Booted under OVMF (the ISO's own EFI GRUB from the FAT partition, as LITD leaves it).
import { describe, it } from 'vitest';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { bootImage } from './qemu/boot';
import { makeLitdStick } from './litdStick';
import { fsckStick } from './stickChecks';
import { cli, usageOf as usage, useScratch } from './stickCli';

const MiB = 2 ** 20;
const scratchDir = useScratch('sw-litd-test-');

describe('a livecd-iso-to-disk stick', () => {
  it('usage reads its layout; the kernel agrees after a boot; reset-overlay starts it afresh, home kept', async ({ expect }) => {
    const stick = path.join(scratchDir(), 'litd.img');
    const { uuid, overlayPath } = makeLitdStick(stick, fixtureFile('liveos', 'image.iso'), { overlayMiB: 64, homeMiB: 64 });
    const fresh = usage(stick);
    expect(fresh.live).toMatchObject({ partition: 1, fs: 'vfat', label: 'LIVE', uuid });
    expect(fresh.images.map((i) => i.dir)).toEqual(['LiveOS']);
    const image = fresh.images[0];
    expect(image?.bootLabel).toBe('Start Stickwright fixture');
    expect(image?.overlay).toMatchObject({ kind: 'dm-snapshot', path: overlayPath, state: 'fresh', kernelStatus: '16/131072 16', fileBytes: 64 * MiB });
    expect(image?.home).toMatchObject({ fs: 'ext4', label: 'HOME', encrypted: false, fileBytes: 64 * MiB });
    expect(image?.strayOverlays).toEqual([]);

    const first = await bootImage({ image: stick, firmware: 'uefi', medium: 'usb', name: 'litd-1' });
    let why = `serial log: ${first.logPath}`;
    expect(first.report.done, why).toBe(true);
    expect(first.report.bootCount, why).toBe(1);
    expect(first.report.overlay?.mode, why).toBe('dm-snapshot');
    expect(first.report.home?.state, why).toBe('mounted');
    const used = usage(stick).images[0]?.overlay;
    expect(used, why).toMatchObject({ state: 'in-use', allocatedSectors: first.report.dm?.snapshot?.allocated, totalSectors: first.report.dm?.snapshot?.total, metadataSectors: first.report.dm?.snapshot?.metadata });

    const reset = cli(['reset-overlay', stick, '--yes', '--json']);
    expect(reset.status, `${reset.stdout}${reset.stderr}`).toBe(0);
    expect(usage(stick).images[0]?.overlay).toMatchObject({ state: 'fresh', kernelStatus: '16/131072 16' });

    const second = await bootImage({ image: stick, firmware: 'uefi', medium: 'usb', name: 'litd-2' });
    why = `serial log: ${second.logPath}`;
    expect(second.report.bootCount, why).toBe(1);
    expect(second.report.homeBootCount, why).toBe(2);
    await fsckStick(stick, 'vfat', { afterBoot: true, withoutEsp: true });
  });
});
