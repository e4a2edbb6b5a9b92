// Rewrite an ISO's GRUB configuration for the stick, line by line, the way livecd-iso-to-disk
// does with sed (livecd-spec.md §1.8 steps b–e), so whatever else the distribution put in its
// menu (themes, serial console, extra entries) keeps working:
//   - every `search … --set=root …` (by label, file or UUID) and `set root=…` → find the live
//     partition by filesystem UUID;
//   - `insmod` of a partition-table or filesystem module → the stick's (msdos, and the fs);
//   - kernel lines get the stick's command line (kernelArgs.ts); for the BIOS copy the EFI-only
//     `linuxefi`/`initrdefi` become `linux`/`initrd`;
//   - `findiso` variables (loopback boot of an ISO file) are dropped.
import { rewriteKernelArgs, splitKernelArgs, type LiveArgs } from './kernelArgs';

export type GrubFsModule = 'ext2' | 'fat' | 'f2fs';

export interface GrubRewrite {
  readonly fsUuid: string;
  readonly fsModule: GrubFsModule;
  readonly firmware: 'bios' | 'uefi';
  readonly liveArgs: LiveArgs;
  /** Shown in the header comment: where this config came from. */
  readonly origin: string;
}

const FS_MODULES = new Set(['iso9660', 'udf', 'ext2', 'fat', 'exfat', 'f2fs', 'btrfs', 'xfs', 'hfsplus']);
const KERNEL = /^(\s*)(linux|linuxefi|linux16)(\s+)(\S+)(.*)$/;
const INITRD = /^(\s*)(initrd|initrdefi|initrd16)(\s+.*)$/;

export function rewriteGrubConfig(text: string, rewrite: GrubRewrite): string {
  const search = `search --no-floppy --fs-uuid --set=root ${rewrite.fsUuid}`;
  const out: string[] = [
    `# Written by Stickwright from ${rewrite.origin}. It is regenerated when the stick changes.`,
  ];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.startsWith('# Written by Stickwright from ')) continue;
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    const words = splitKernelArgs(line.trim());
    const command = words[0] ?? '';

    if (/^search(\.(fs_label|fs_uuid|file))?$/.test(command) && words.some((w) => /^(--set=root|--set)$/.test(w)) && setsRoot(words)) {
      out.push(`${indent}${search}`);
      continue;
    }
    if (command === 'set' && /^root=/.test(words[1] ?? '')) {
      out.push(`${indent}${search}`);
      continue;
    }
    if (command === 'insmod' && words.length === 2) {
      const module = words[1] ?? '';
      if (/^part_(gpt|msdos|apple)$/.test(module)) {
        out.push(`${indent}insmod part_msdos`);
        continue;
      }
      if (FS_MODULES.has(module)) {
        out.push(`${indent}insmod ${rewrite.fsModule}`);
        continue;
      }
    }
    if (command === 'set' && /^findiso=/.test(words[1] ?? '')) continue;

    const kernel = KERNEL.exec(line);
    if (kernel) {
      const [, lead = '', cmd = 'linux', gap = ' ', path = '', rest = ''] = kernel;
      const name = rewrite.firmware === 'bios' && cmd === 'linuxefi' ? 'linux' : cmd;
      const args = rewriteKernelArgs(rest.trim(), rewrite.liveArgs);
      out.push(`${lead}${name}${gap}${path} ${args}`);
      continue;
    }
    const initrd = INITRD.exec(line);
    if (initrd && rewrite.firmware === 'bios' && initrd[2] === 'initrdefi') {
      out.push(`${initrd[1] ?? ''}initrd${initrd[3] ?? ''}`);
      continue;
    }
    out.push(line);
  }
  return `${out.join('\n').replace(/\n*$/, '')}\n`;
}

/** `search … --set=root` or `--set root`; a search setting another variable is left alone. */
function setsRoot(words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i] ?? '';
    if (w === '--set=root' || (w === '-s' && words[i + 1] === 'root')) return true;
    if (w === '--set' && (words[i + 1] === 'root' || words[i + 1] === undefined || words[i + 1]?.startsWith('-'))) return true;
  }
  return false;
}
