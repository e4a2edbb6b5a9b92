// The one GRUB menu of a multi-image stick, rendered from what is on the stick (each image's
// metadata and overlay kind) and the preamble of the menu already there — everything before its
// first menuentry: timeouts, serial console, themes, with `search` rewritten to find the live
// filesystem by UUID as rewriteGrubConfig does. One entry per image, the default image first,
// each with its own rd.live.dir, overlay and (by that dir) home. Regenerated after every add and
// remove, so it can never drift from the stick.
//
// A one-time choice of entry uses what grub2-reboot relies on: `next_entry` in a 1024-byte
// grubenv, read by load_env and cleared by save_env at that boot — one grubenv for all the
// stick's menus, so the choice holds for the next boot whichever firmware makes it.
import { rewriteKernelArgs } from './kernelArgs';
import type { ImageMeta } from './imageMeta';
import { rewriteGrubConfig, type GrubFsModule } from './rewriteGrubConfig';

export type MenuOverlay = 'dm-snapshot' | 'overlayfs' | 'none';

export interface MenuImage {
  readonly meta: ImageMeta;
  readonly overlay: MenuOverlay;
}

export interface MultiImageMenu {
  /** Default first. */
  readonly images: readonly MenuImage[];
  readonly fsUuid: string;
  readonly fsModule: GrubFsModule;
  /** The live filesystem's type, for a `rootfstype=` an image carries. */
  readonly fsType: string;
  readonly firmware: 'bios' | 'uefi';
  /** The menu on the stick now (its preamble is kept); empty for none. */
  readonly existing: string;
  /**
   * The one grubenv every menu of the stick shares, as a GRUB path: `($root)/boot/grub2/grubenv`
   * on the live filesystem (found by UUID first), so a choice made for the next boot is used
   * and cleared by whichever firmware boots next. Default `$prefix/grubenv`.
   */
  readonly envFile?: string;
}

const HEADER = '# Written by Stickwright for a stick with several live images; regenerated after every add and remove.';
const ENV_BEGIN = '# Stickwright: a one-time choice of entry (stickwright next-boot, grub2-reboot) in grubenv.';
const ENV_END = '# Stickwright: end of the one-time choice.';
const ENTRY = /^\s*(menuentry|submenu)\b/;

/** The GRUB menu entry id of an image's entry (what next_entry names). */
export function menuEntryId(dir: string): string {
  return `sw-${dir}`;
}

/** Whether a menu uses the EFI-only linuxefi/initrdefi commands (older Fedora UEFI menus). */
export function usesLinuxEfi(menu: string): boolean {
  return /^\s*linuxefi\s/mu.test(menu);
}

/** The lines before the first menuentry, without what this renderer adds itself. */
export function menuPreamble(menu: string): string {
  const out: string[] = [];
  let inEnv = false;
  for (const line of menu.replace(/\r\n?/g, '\n').split('\n')) {
    if (ENTRY.test(line)) break;
    if (line === ENV_BEGIN) inEnv = true;
    if (inEnv) {
      if (line === ENV_END) inEnv = false;
      continue;
    }
    if (line.startsWith('# Written by Stickwright')) continue;
    // The default is ours to set (the default image's entry first).
    if (/^\s*set\s+default=/.test(line)) continue;
    out.push(line);
  }
  while (out.length > 0 && (out.at(-1) ?? '').trim() === '') out.pop();
  while (out.length > 0 && (out[0] ?? '').trim() === '') out.shift();
  return out.join('\n');
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function renderMultiImageMenu(menu: MultiImageMenu): string {
  const preamble = menuPreamble(menu.existing);
  const rewritten = preamble
    ? rewriteGrubConfig(preamble, { fsUuid: menu.fsUuid, fsModule: menu.fsModule, firmware: menu.firmware, liveArgs: { rootSpec: '', liveDir: '', overlay: null, fsType: menu.fsType }, origin: '' })
        .split('\n')
        .filter((line) => !line.startsWith('# Written by Stickwright'))
        .join('\n')
        .trim()
    : ''; // the one-time choice's block below finds the stick by UUID
  const efi = menu.firmware === 'uefi' && usesLinuxEfi(menu.existing);
  const [linux, initrd] = efi ? ['linuxefi', 'initrdefi'] : ['linux', 'initrd'];
  const env = menu.envFile ?? '$prefix/grubenv';
  if (/[\s'"]/.test(env)) throw new Error(`unexpected grubenv path ${env}`);
  const lines = [
    HEADER,
    'set default="0"',
    rewritten,
    '',
    ENV_BEGIN,
    // configfile (how our BIOS core starts the menu) does not read command.lst, so nothing is
    // autoloaded: load the module by name (a no-op where it is built into the EFI image).
    `search --no-floppy --fs-uuid --set=root ${menu.fsUuid}`,
    'insmod loadenv',
    `if [ -s ${env} ]; then`,
    `  load_env -f ${env}`,
    'fi',
    'if [ "${next_entry}" ]; then',
    '  set default="${next_entry}"',
    '  set next_entry=',
    `  save_env -f ${env} next_entry`,
    'fi',
    ENV_END,
  ];
  for (const { meta, overlay } of menu.images) {
    const rootSpec = `UUID=${menu.fsUuid}`;
    const args = rewriteKernelArgs(meta.args, {
      rootSpec,
      liveDir: meta.dir,
      overlay: overlay === 'none' ? null : { spec: rootSpec, overlayfs: overlay === 'overlayfs' },
      fsType: menu.fsType,
    });
    lines.push(
      '',
      `menuentry ${quote(meta.name)} --id ${quote(menuEntryId(meta.dir))} --class gnu-linux --class gnu --class os {`,
      `\tsearch --no-floppy --fs-uuid --set=root ${menu.fsUuid}`,
      `\t${linux} ${meta.kernel} ${args}`,
      ...(meta.initrd.length > 0 ? [`\t${initrd} ${meta.initrd.join(' ')}`] : []),
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

export const GRUBENV_SIZE = 1024;

/** A GRUB environment block (grub-editenv's format: a header, name=value lines, '#' padding). */
export function renderGrubenv(vars: Readonly<Record<string, string>>): string {
  let text = '# GRUB Environment Block\n';
  for (const [name, value] of Object.entries(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /[\n\\]/.test(value)) throw new Error(`cannot store ${name} in grubenv`);
    text += `${name}=${value}\n`;
  }
  if (text.length > GRUBENV_SIZE) throw new Error('grubenv is full');
  return text.padEnd(GRUBENV_SIZE, '#');
}
