// The boot loader configurations stored as files in the ISO tree: ISOLINUX/SYSLINUX for BIOS,
// GRUB for BIOS (boot/grub*/, El Torito GRUB images) and UEFI (EFI/BOOT/).
import type { BootConfig } from '../../../shared/contract/isoReport';
import type { BootImage } from '../iso/elTorito';
import type { IsoFileSystem } from '../iso/isoFileSystem';
import { dirname } from './configText';
import { parseGrubConfig } from './grubConfig';
import { findIsoFile, isoConfigReader } from './isoConfigText';
import { parseSyslinuxConfig } from './isolinuxConfig';

const SYSLINUX_CONFIGS: readonly { path: string; kind: 'isolinux' | 'syslinux' }[] = [
  { path: '/isolinux/isolinux.cfg', kind: 'isolinux' },
  { path: '/boot/isolinux/isolinux.cfg', kind: 'isolinux' },
  { path: '/isolinux.cfg', kind: 'isolinux' },
  { path: '/syslinux/isolinux.cfg', kind: 'isolinux' },
  { path: '/boot/syslinux/isolinux.cfg', kind: 'isolinux' },
  { path: '/syslinux/syslinux.cfg', kind: 'syslinux' },
  { path: '/boot/syslinux/syslinux.cfg', kind: 'syslinux' },
  { path: '/syslinux.cfg', kind: 'syslinux' },
];

/** GRUB configs in the order a person would look at them; EFI ones are UEFI-only. */
const GRUB_CONFIGS: readonly { path: string; uefi: boolean }[] = [
  { path: '/EFI/BOOT/grub.cfg', uefi: true },
  { path: '/EFI/BOOT/BOOT.conf', uefi: true },
  { path: '/boot/grub2/grub.cfg', uefi: false },
  { path: '/boot/grub/grub.cfg', uefi: false },
  { path: '/boot/grub/loopback.cfg', uefi: false },
];

export interface IsoBootConfigs {
  readonly configs: BootConfig[];
  /** ISO paths each config read (itself and what it included), by config path. */
  readonly filesRead: ReadonlyMap<string, string[]>;
}

export async function readIsoBootConfigs(fs: IsoFileSystem, bootImages: readonly BootImage[], pathAtOffset: ReadonlyMap<number, string>): Promise<IsoBootConfigs> {
  const readText = isoConfigReader(fs);
  const configs: BootConfig[] = [];
  const filesRead = new Map<string, string[]>();
  const seen = new Set<string>();

  // The BIOS El Torito image names its own directory: isolinux.bin reads isolinux.cfg beside it.
  const syslinuxCandidates = [...SYSLINUX_CONFIGS];
  for (const image of bootImages) {
    const path = image.platform === 'bios' ? pathAtOffset.get(image.lba * 2048) : undefined;
    if (path && /(iso|sys)linux\.bin$/iu.test(path)) {
      const dir = dirname(path);
      syslinuxCandidates.unshift({ path: `${dir === '/' ? '' : dir}/isolinux.cfg`, kind: 'isolinux' }, { path: `${dir === '/' ? '' : dir}/syslinux.cfg`, kind: 'syslinux' });
    }
  }
  for (const candidate of syslinuxCandidates) {
    const entry = await findIsoFile(fs, candidate.path);
    if (!entry || seen.has(entry.path)) continue;
    seen.add(entry.path);
    const parsed = await parseSyslinuxConfig(entry.path, readText);
    filesRead.set(entry.path, parsed.files);
    configs.push({ path: entry.path, kind: candidate.kind, firmware: 'bios', entries: parsed.entries, files: [] });
  }
  for (const candidate of GRUB_CONFIGS) {
    const entry = await findIsoFile(fs, candidate.path);
    if (!entry || seen.has(entry.path)) continue;
    seen.add(entry.path);
    const parsed = await parseGrubConfig(entry.path, readText);
    filesRead.set(entry.path, parsed.files);
    const loopback = /loopback\.cfg$/u.test(entry.path);
    configs.push({ path: entry.path, kind: 'grub', firmware: candidate.uefi ? 'uefi' : loopback ? 'both' : 'bios', entries: parsed.entries, files: [] });
  }
  return { configs, filesRead };
}

/** A BIOS GRUB config that a UEFI config also reads serves both firmwares. */
export function markSharedConfigs(configs: BootConfig[], readByUefi: ReadonlySet<string>): BootConfig[] {
  return configs.map((config) =>
    config.kind === 'grub' && config.firmware === 'bios' && readByUefi.has(config.path) ? { ...config, firmware: 'both' } : config,
  );
}
