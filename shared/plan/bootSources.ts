// Which of the ISO's boot configurations the stick's menus are made from, and which ISO files
// the boot needs (kernels, initrds, kiwi's marker file).
import type { BootConfig, IsoReport } from '../contract/isoReport';

/** The GRUB config the BIOS menu is rewritten from: the ISO's BIOS GRUB config, else its UEFI one. */
export function biosConfigSource(report: IsoReport): BootConfig | null {
  const grub = report.bootConfigs.filter((c) => c.kind === 'grub' && c.entries.length > 0);
  return grub.find((c) => c.firmware !== 'uefi') ?? grub.find((c) => /^\/EFI\/BOOT\//i.test(c.path)) ?? grub[0] ?? null;
}

/** The ISO's /EFI/BOOT/grub.cfg (what its UEFI GRUB reads from $cmdpath), if it has one. */
export function uefiConfigSource(report: IsoReport): BootConfig | null {
  return report.bootConfigs.find((c) => c.kind === 'grub' && /^\/EFI\/BOOT\/grub\.cfg$/i.test(c.path)) ?? null;
}

/** GRUB paths may carry a device ("($root)/images/…"); the stick keeps the ISO's paths. */
export function stripGrubDevice(path: string): string {
  return path.replace(/^\([^)]*\)/, '');
}

/** Kernel and initrd files any boot entry names, resolved to ISO files (case-insensitively). */
export function bootFiles(report: IsoReport): string[] {
  const byLower = new Map(report.files.entries.map((f) => [f.path.toLowerCase(), f.path]));
  const wanted = new Set<string>();
  for (const config of report.bootConfigs) {
    for (const entry of config.entries) {
      for (const path of [entry.kernel, ...entry.initrd]) {
        if (!path) continue;
        const found = byLower.get(stripGrubDevice(path).toLowerCase());
        if (found) wanted.add(found);
      }
    }
  }
  // kiwi's EFI loader finds the live filesystem by a marker file /boot/0x<id> (kiwi
  // bootloader/config/grub2.py); the stick must carry it too.
  for (const file of report.files.entries) if (/^\/boot\/0x[0-9a-f]+$/i.test(file.path)) wanted.add(file.path);
  return [...wanted];
}
