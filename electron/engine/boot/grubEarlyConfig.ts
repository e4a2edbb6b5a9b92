// The config grub-mkimage embeds in core.img (`-c`). It runs before any module is loaded from
// disk and is read by GRUB's rescue parser (kern/parser.c): one command per line, no `if`, no
// functions (tried: "Unknown command `if'"). A failing line prints its error and the next one
// runs, so a missing partition shows "error: no such device: <uuid>." and ends at a grub> prompt.
import { GrubBiosError } from './grubBiosError';

export interface GrubEarlyConfigOptions {
  /** Filesystem UUID of the partition holding the menu, as GRUB prints it (compared case-insensitively, search.c). */
  rootUuid: string;
  /** Absolute path of the menu inside that filesystem, e.g. /boot/grub2/grub.cfg; its directory becomes $prefix. */
  configPath: string;
  /** Also talk on this serial port from the first line on (QEMU tests, headless boxes). Default: no serial. */
  serial?: { unit?: number; speed?: number };
}

// ext2/3/4, F2FS, btrfs, xfs print RFC 4122 UUIDs; FAT prints its volume id as XXXX-XXXX
// (grub-core/fs/fat.c grub_fat_uuid). Hex and dashes only: nothing the rescue parser could split
// or expand.
const UUID = /^[0-9A-Fa-f]{4,32}(-[0-9A-Fa-f]{2,32}){0,7}$/;
// Path segments GRUB needs no quoting for; `..` and empty segments are refused.
const SEGMENT = /^[A-Za-z0-9_.+-]+$/;

export function checkRootUuid(uuid: string): string {
  if (!UUID.test(uuid) || uuid.length > 64) {
    throw new GrubBiosError('BAD_OPTION', `"${uuid}" is not a filesystem UUID (hex digits and dashes)`, { rootUuid: uuid });
  }
  return uuid;
}

/** Checks an absolute path inside the live filesystem; returns its directory (the GRUB prefix). */
export function configDirectory(configPath: string): string {
  const segments = configPath.split('/');
  const ok =
    configPath.startsWith('/') &&
    segments.length >= 2 &&
    segments.slice(1).every((s) => SEGMENT.test(s) && s !== '.' && s !== '..') &&
    configPath.length <= 255;
  if (!ok) {
    throw new GrubBiosError('BAD_OPTION', `"${configPath}" is not an absolute path of plain segments ([A-Za-z0-9_.+-])`, {
      configPath,
    });
  }
  const dir = segments.slice(0, -1).join('/');
  return dir === '' ? '/' : dir;
}

/** The early config text; pure, so the exact lines are unit-tested. */
export function renderGrubEarlyConfig(options: GrubEarlyConfigOptions): string {
  const uuid = checkRootUuid(options.rootUuid);
  const prefixDir = configDirectory(options.configPath);
  const lines: string[] = [];
  if (options.serial) {
    const unit = options.serial.unit ?? 0;
    const speed = options.serial.speed ?? 115200;
    if (!Number.isInteger(unit) || unit < 0 || unit > 3 || !Number.isInteger(speed) || speed <= 0) {
      throw new GrubBiosError('BAD_OPTION', `bad serial port ${unit} at ${speed} baud`, { unit, speed });
    }
    lines.push(`serial --unit=${unit} --speed=${speed}`, 'terminal_input --append serial', 'terminal_output --append serial');
  }
  lines.push(
    // Whole-filesystem search by UUID: the stick's BIOS drive number and partition name are
    // unknown until boot (USB vs. internal order), the UUID is ours.
    `search --no-floppy --fs-uuid --set=root ${uuid}`,
    // $prefix is where GRUB looks for modules, fonts and grubenv; everything this boot needs is
    // embedded, so nothing is read from $prefix/i386-pc unless the menu insmods more.
    `set prefix=($root)${prefixDir === '/' ? '' : prefixDir}`,
    `configfile ($root)${options.configPath}`,
  );
  return `${lines.join('\n')}\n`;
}
