// Which GRUB modules go into the BIOS core image. Everything the early config and a live ISO's
// BIOS menu use is embedded, so GRUB loads nothing from $prefix/i386-pc on the stick: a Fedora
// ISO's own i386-pc modules are of another GRUB build than our kernel.img, and mixing them fails
// with "symbol not found" or worse. grub-mkimage adds dependencies itself (moddep.lst).
import { GrubBiosError } from './grubBiosError';

/** GRUB filesystem module of the live partition (ext2 reads ext2/3/4). */
export type GrubFsModule = 'ext2' | 'fat' | 'f2fs';
export type GrubPartitionTable = 'msdos' | 'gpt';

/** Always embedded, with why. */
export const GRUB_BIOS_BASE_MODULES: readonly string[] = [
  'biosdisk', // INT 13h disk access: how an i386-pc GRUB reads any disk
  'search', // `search --fs-uuid` in the early config, `search -l/--file` in ISO menus (+ search_fs_uuid, search_label, search_fs_file)
  'normal', // menus and the full script parser (if, functions, menuentry) the menu needs
  'configfile', // `configfile` / `source`
  'echo',
  'test',
  'true',
  'sleep',
  'linux', // `linux`/`initrd` (Fedora ≥ 37 BIOS menus, LORAX grub2-bios.cfg)
  'linux16', // `linux16`/`initrd16` (older Fedora and RHEL menus)
  'boot',
  'gzio', // Fedora menus `insmod gzio`
  'chain', // Fedora's "Boot first drive" entry (`chainloader (hd0)+1`)
  'all_video', // Fedora's load_video(): `insmod all_video`
  'serial', // `serial`, so menus and tests can use the serial console
  'terminal', // `terminal_input` / `terminal_output`
  'halt',
  'reboot',
  'minicmd', // lsmod, … for a person at the grub> prompt
  'ls',
  'cat',
];

export interface GrubCoreModuleOptions {
  fsModule: GrubFsModule;
  partitionTable: GrubPartitionTable;
  /** More modules, e.g. every `insmod` of the ISO's BIOS grub.cfg. */
  extraModules?: readonly string[];
}

const MODULE_NAME = /^[a-z0-9_]{1,64}$/;

/** The module list for grub-mkimage: partition map, filesystem, base, extras; no duplicates. */
export function grubCoreModules(options: GrubCoreModuleOptions): string[] {
  const partitionModule = options.partitionTable === 'gpt' ? 'part_gpt' : 'part_msdos';
  const all = [partitionModule, options.fsModule, ...GRUB_BIOS_BASE_MODULES, ...(options.extraModules ?? [])];
  for (const name of all) {
    if (!MODULE_NAME.test(name)) {
      throw new GrubBiosError('BAD_OPTION', `"${name}" is not a GRUB module name`, { module: name });
    }
  }
  return [...new Set(all)];
}
