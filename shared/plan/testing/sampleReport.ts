// A hand-made IsoReport of a Fedora-style (lorax) live ISO, for planner unit tests. Shaped like
// what `inspect` says of the liveos fixture, with sizes that can be changed per test.
import type { IsoReport } from '../../contract/isoReport';
import type { StickIds } from '../writeOptions';

const MiB = 2 ** 20;
const CMDLINE = 'root=live:CDLABEL=Fedora-WS-Live-41 rd.live.image quiet rhgb';

export interface SampleOptions {
  squashfsSize?: number;
  contents?: 'nested-rootfs' | 'flat' | 'unknown';
  efiFilesystems?: IsoReport['efiLoaders'][number]['filesystems'];
  family?: IsoReport['layout']['family'];
}

export function sampleReport(options: SampleOptions = {}): IsoReport {
  const squashfs = options.squashfsSize ?? 2000 * MiB;
  const entries = [
    { path: '/EFI/BOOT/BOOTX64.EFI', size: 950_000 },
    { path: '/EFI/BOOT/grubx64.efi', size: 2_500_000 },
    { path: '/EFI/BOOT/mmx64.efi', size: 850_000 },
    { path: '/EFI/BOOT/grub.cfg', size: 1_300 },
    { path: '/LiveOS/squashfs.img', size: squashfs },
    { path: '/boot/grub2/grub.cfg', size: 1_200 },
    { path: '/images/efiboot.img', size: 10 * MiB },
    { path: '/images/eltorito.img', size: 30_000 },
    { path: '/images/pxeboot/initrd.img', size: 100 * MiB },
    { path: '/images/pxeboot/vmlinuz', size: 15 * MiB },
  ];
  const entry = (title: string, extra = '') => ({
    title,
    kernel: '/images/pxeboot/vmlinuz',
    initrd: ['/images/pxeboot/initrd.img'],
    cmdline: `${CMDLINE}${extra}`,
    isDefault: extra === '',
  });
  const menu = [entry('Start Fedora-Workstation-Live 41'), entry('Start Fedora-Workstation-Live 41 in basic graphics mode', ' nomodeset')];
  const contents = options.contents ?? 'nested-rootfs';
  return {
    path: '/isos/Fedora-Workstation-Live-41.iso',
    fileSize: squashfs + 200 * MiB,
    volume: { label: 'Fedora-WS-Live-41', systemId: 'LINUX', publisher: '', applicationId: '', created: null, blockSize: 2048, size: squashfs + 200 * MiB },
    extensions: { joliet: true, rockRidge: true, elTorito: true },
    hybrid: { mbr: true, gpt: true, partitions: [] },
    elTorito: [],
    layout: {
      family: options.family ?? 'dracut-liveos',
      variant: 'lorax',
      liveDir: 'LiveOS',
      rootImage: { path: '/LiveOS/squashfs.img', size: squashfs, format: 'squashfs', compression: 'xz', contents, topLevel: contents === 'flat' ? ['usr', 'etc', 'proc'] : ['LiveOS'] },
      kernel: { path: '/images/pxeboot/vmlinuz', size: 15 * MiB },
      initrd: { path: '/images/pxeboot/initrd.img', size: 100 * MiB },
      persistence: contents === 'nested-rootfs' ? ['dm-snapshot', 'overlayfs'] : ['overlayfs'],
      notes: [],
    },
    bootConfigs: [
      { path: '/EFI/BOOT/grub.cfg', kind: 'grub', firmware: 'uefi', entries: menu, files: [] },
      { path: '/boot/grub2/grub.cfg', kind: 'grub', firmware: 'bios', entries: menu, files: [] },
    ],
    files: {
      count: entries.length,
      directories: 6,
      totalBytes: entries.reduce((s, e) => s + e.size, 0),
      largest: { path: '/LiveOS/squashfs.img', size: squashfs },
      entries,
    },
    efiLoaders: [
      { path: '/EFI/BOOT/BOOTX64.EFI', size: 950_000, kind: 'shim', filesystems: [] },
      { path: '/EFI/BOOT/grubx64.efi', size: 2_500_000, kind: 'grub', filesystems: options.efiFilesystems ?? ['vfat', 'ext4', 'f2fs', 'iso9660'] },
      { path: '/EFI/BOOT/mmx64.efi', size: 850_000, kind: 'other', filesystems: [] },
    ],
    stats: { bytesRead: 300_000, elapsedMs: 40 },
  };
}

export const SAMPLE_IDS: StickIds = {
  fsUuid: '0b3c8a52-6f1e-4a8e-9d6a-2f4c1e7b9a10',
  liveVolumeId: '1A2B3C4D',
  espVolumeId: '5E6F7081',
  diskSignature: 'C0FFEE01',
  homeUuid: '7d1f2e3c-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
};
