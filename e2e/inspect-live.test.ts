// inspect against the real live fixtures (e2e/fixtures/recipes/liveos*.sh): Fedora-style media
// with a dracut initrd, in the nested (lorax), flat (lorax, zstd) and kiwi/EROFS layouts.
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IsoReport, type BootConfig } from '../shared/contract/isoReport';
import { inspectIso } from '../electron/engine/inspect/inspectIso';
import { fixtureDir } from './fixtures/fixture';

const LABEL = 'SW-FIXTURE';
const CMDLINE = `root=live:CDLABEL=${LABEL} rd.live.image console=ttyS0`;

async function inspectFixture(recipe: string): Promise<IsoReport> {
  const report = IsoReport.parse(await inspectIso(path.join(fixtureDir(recipe), 'image.iso')));
  console.log(`${recipe}: ${report.stats.bytesRead} bytes read of ${report.fileSize}, ${report.stats.elapsedMs} ms`);
  return report;
}

function defaultEntry(config: BootConfig | undefined) {
  return config?.entries.find((entry) => entry.isDefault);
}

function kernelSizes(): { vmlinuz: number; initrd: number } {
  const dir = fixtureDir('liveos-kernel');
  return { vmlinuz: statSync(path.join(dir, 'vmlinuz')).size, initrd: statSync(path.join(dir, 'initrd.img')).size };
}

describe('live fixtures', () => {
  it('liveos: lorax layout, nested squashfs (xz) with LiveOS/rootfs.img, dm-snapshot and OverlayFS', async () => {
    const report = await inspectFixture('liveos');
    const sizes = kernelSizes();
    expect(report.volume.label).toBe(LABEL);
    expect(report.extensions).toEqual({ joliet: true, rockRidge: true, elTorito: true });
    expect(report.layout).toMatchObject({
      family: 'dracut-liveos',
      variant: 'lorax',
      liveDir: 'LiveOS',
      rootImage: { path: '/LiveOS/squashfs.img', format: 'squashfs', compression: 'xz', contents: 'nested-rootfs', topLevel: ['LiveOS'] },
      kernel: { path: '/images/pxeboot/vmlinuz', size: sizes.vmlinuz },
      initrd: { path: '/images/pxeboot/initrd.img', size: sizes.initrd },
      persistence: ['dm-snapshot', 'overlayfs'],
    });
    expect(report.elTorito.map((entry) => [entry.platform, entry.bootable, entry.emulation, entry.path])).toEqual([
      ['bios', true, 'none', '/images/eltorito.img'],
      ['efi', true, 'none', '/images/efiboot.img'],
    ]);
    expect(report.hybrid.gpt).toBe(true);
    expect(report.hybrid.partitions.find((part) => part.scheme === 'gpt' && part.typeName === 'EFI System')).toBeDefined();
    const configs = new Map(report.bootConfigs.map((config) => [config.path, config]));
    for (const [configPath, firmware] of [
      ['/boot/grub2/grub.cfg', 'bios'],
      ['/EFI/BOOT/grub.cfg', 'uefi'],
    ] as const) {
      const config = configs.get(configPath);
      expect(config?.kind).toBe('grub');
      expect(config?.firmware).toBe(firmware);
      expect(defaultEntry(config)).toMatchObject({ kernel: '/images/pxeboot/vmlinuz', initrd: ['/images/pxeboot/initrd.img'], cmdline: CMDLINE });
    }
    // lorax puts the EFI grub.cfg into efiboot.img too; GRUB reads it from $cmdpath.
    const efiboot = report.bootConfigs.find((config) => config.path.startsWith('/images/efiboot.img'));
    expect(efiboot?.path).toBe('/images/efiboot.img::/EFI/BOOT/grub.cfg');
    expect(efiboot?.kind).toBe('efi-image');
    expect(efiboot?.files.map((file) => file.path)).toEqual(expect.arrayContaining(['/EFI/BOOT/BOOTX64.EFI', '/EFI/BOOT/grub.cfg']));
    expect(defaultEntry(efiboot)).toMatchObject({ kernel: '/images/pxeboot/vmlinuz', cmdline: CMDLINE });
    // The fixture's EFI GRUB has ext2, fat and f2fs built in (as Fedora's signed GRUB does).
    expect(report.efiLoaders).toEqual([
      { path: '/EFI/BOOT/BOOTX64.EFI', size: expect.any(Number), kind: 'grub', filesystems: ['vfat', 'ext4', 'f2fs', 'iso9660'] },
    ]);
    expect(report.files.entries).toContainEqual({ path: '/LiveOS/squashfs.img', size: report.layout.rootImage?.size });
    expect(report.files.entries).toHaveLength(report.files.count);
    expect(report.stats.bytesRead).toBeLessThan(2 * 2 ** 20);
  });

  it('liveos-flat: the root filesystem directly in squashfs.img (zstd): OverlayFS only, and why', async () => {
    const report = await inspectFixture('liveos-flat');
    expect(report.layout).toMatchObject({
      family: 'dracut-liveos',
      variant: 'lorax',
      rootImage: { path: '/LiveOS/squashfs.img', format: 'squashfs', compression: 'zstd', contents: 'flat' },
      kernel: { path: '/images/pxeboot/vmlinuz' },
      persistence: ['overlayfs'],
    });
    expect(report.layout.rootImage?.topLevel).toEqual(expect.arrayContaining(['usr', 'proc', 'etc']));
    expect(report.layout.notes.join(' ')).toMatch(/OverlayFS/u);
    expect(defaultEntry(report.bootConfigs.find((config) => config.path === '/EFI/BOOT/grub.cfg'))?.cmdline).toBe(CMDLINE);
  });

  it('liveos-kiwi: /boot/x86_64/loader, flat EROFS named squashfs.img, EFI image only as an appended partition', async () => {
    const report = await inspectFixture('liveos-kiwi');
    const sizes = kernelSizes();
    expect(report.layout).toMatchObject({
      family: 'dracut-liveos',
      variant: 'kiwi',
      rootImage: { path: '/LiveOS/squashfs.img', format: 'erofs', compression: null, contents: 'flat' },
      kernel: { path: '/boot/x86_64/loader/linux', size: sizes.vmlinuz },
      initrd: { path: '/boot/x86_64/loader/initrd', size: sizes.initrd },
      persistence: ['overlayfs'],
    });
    const configs = new Map(report.bootConfigs.map((config) => [config.path, config]));
    // kiwi's EFI grub.cfg is a stub that configfiles /boot/grub2/grub.cfg: both firmwares use it.
    expect(configs.get('/boot/grub2/grub.cfg')?.firmware).toBe('both');
    expect(defaultEntry(configs.get('/boot/grub2/grub.cfg'))).toMatchObject({ kernel: '/boot/x86_64/loader/linux', cmdline: CMDLINE });
    expect(defaultEntry(configs.get('/EFI/BOOT/grub.cfg'))).toMatchObject({ kernel: '/boot/x86_64/loader/linux', initrd: ['/boot/x86_64/loader/initrd'], cmdline: CMDLINE });
    expect(report.elTorito.map((entry) => [entry.platform, entry.path])).toEqual([
      ['bios', '/boot/x86_64/loader/eltorito.img'],
      ['efi', null],
    ]);
    const efi = report.bootConfigs.find((config) => config.kind === 'efi-image');
    expect(efi?.path).toMatch(/^\[MBR partition 2\]/u);
    expect(efi?.files.map((file) => file.path.toUpperCase())).toContain('/EFI/BOOT/BOOTX64.EFI');
    expect(report.hybrid.partitions.map((part) => part.type)).toContain('0xef');
  });
});
