// ISOLINUX/SYSLINUX configuration (syslinux doc/syslinux.txt and doc/menu.txt): LABEL blocks
// with KERNEL/LINUX, APPEND, INITRD, MENU LABEL/DEFAULT, and INCLUDE/CONFIG of other files.
import type { BootEntry } from '../../../shared/contract/isoReport';
import { dirname, MAX_CONFIG_BYTES, resolvePath, type ReadConfigText } from './configText';

export interface ParsedBootConfig {
  readonly entries: BootEntry[];
  /** Every file that was read, the top one first. */
  readonly files: string[];
}

const MAX_FILES = 64;
const MAX_DEPTH = 16;
const MAX_ENTRIES = 512;

interface Label {
  name: string;
  title: string | null;
  kernel: string | null;
  append: string | null;
  initrd: string[];
  menuDefault: boolean;
  hidden: boolean;
  /** A label whose action is CONFIG: choosing it loads another configuration. */
  config: string | null;
}

/** Parses `path` and everything it includes; relative paths resolve from the config's directory. */
export async function parseSyslinuxConfig(path: string, readText: ReadConfigText): Promise<ParsedBootConfig> {
  const files: string[] = [];
  const entries = await parseMenu(resolvePath('/', path), readText, files, 0);
  return { entries, files };
}

/** One menu: a config file with its includes; labels that CONFIG another file bring in its menu. */
async function parseMenu(path: string, readText: ReadConfigText, files: string[], menuDepth: number): Promise<BootEntry[]> {
  const labels: Label[] = [];
  let defaultLabel: string | null = null;
  let onTimeout: string | null = null;
  let globalAppend: string | null = null;
  let baseDir = dirname(path);
  let current: Label | null = null;
  let replaced = false;

  const readFile = async (file: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || files.length >= MAX_FILES || files.includes(file)) return;
    const text = await readText(file);
    if (text === null || text.length > MAX_CONFIG_BYTES) return;
    files.push(file);
    let inText = false;
    for (const rawLine of text.split(/\r?\n/u)) {
      if (replaced) return;
      const line = rawLine.trim();
      if (inText) {
        // TEXT HELP … ENDTEXT blocks hold free text (menu.txt).
        if (/^endte?xt\b/iu.test(line)) inText = false;
        continue;
      }
      if (line === '' || line.startsWith('#')) continue;
      const [keywordRaw = '', ...restWords] = line.split(/\s+/u);
      let keyword = keywordRaw.toLowerCase();
      let rest = line.slice(keywordRaw.length).trim();
      if (keyword === 'menu') {
        const [sub = ''] = restWords;
        keyword = `menu ${sub.toLowerCase()}`;
        rest = rest.slice(sub.length).trim();
      }
      switch (keyword) {
        case 'label':
          if (labels.length >= MAX_ENTRIES) return;
          current = { name: rest, title: null, kernel: null, append: null, initrd: [], menuDefault: false, hidden: false, config: null };
          labels.push(current);
          break;
        case 'menu label':
          if (current) current.title = rest.replace(/\^/gu, '');
          break;
        case 'menu default':
          if (current) current.menuDefault = true;
          break;
        case 'menu hide':
          if (current) current.hidden = true;
          break;
        case 'kernel':
        case 'linux':
        case 'com32':
        case 'boot':
          if (current) current.kernel = rest.split(/\s+/u)[0] ?? null;
          break;
        case 'localboot':
          if (current) current.kernel = null;
          break;
        case 'append':
          // Before any LABEL, APPEND is the default for labels that have none (syslinux.txt).
          if (current) current.append = rest;
          else globalAppend = rest;
          break;
        case 'initrd':
          if (current) current.initrd = rest.split(',').filter((part) => part !== '');
          break;
        case 'default':
          defaultLabel = rest;
          break;
        case 'ontimeout':
          onTimeout = rest;
          break;
        case 'text':
          if (/^help\b/iu.test(rest)) inText = true;
          break;
        case 'include':
        case 'menu include': {
          const target = rest.split(/\s+/u)[0];
          if (target) await readFile(syslinuxPath(baseDir, target), depth + 1);
          break;
        }
        case 'config': {
          if (current) {
            // Inside a LABEL, CONFIG is that label's action (archiso's syslinux.cfg → archiso_sys.cfg).
            current.config = rest.split(/\s+/u)[0] ?? null;
            break;
          }
          // CONFIG replaces the configuration; an optional second word sets the working directory.
          const [target, directory] = rest.split(/\s+/u);
          if (!target) break;
          const next = syslinuxPath(baseDir, target);
          baseDir = directory ? resolvePath(baseDir, directory) : dirname(next);
          labels.length = 0;
          current = null;
          await readFile(next, depth + 1);
          replaced = true;
          return;
        }
        default:
          break;
      }
    }
  };

  await readFile(path, 0);
  for (const label of labels) label.append ??= globalAppend;
  const chosen = defaultIndex(labels, defaultLabel, onTimeout);
  const entries: BootEntry[] = [];
  for (const [index, label] of labels.entries()) {
    if (label.config !== null) {
      if (menuDepth >= MAX_DEPTH) continue;
      const inner = await parseMenu(syslinuxPath(baseDir, label.config), readText, files, menuDepth + 1);
      entries.push(...inner.map((entry) => ({ ...entry, isDefault: entry.isDefault && index === chosen })));
      continue;
    }
    entries.push(toEntry(label, index === chosen, baseDir));
  }
  return entries;
}

/**
 * MENU DEFAULT wins, then DEFAULT (or ONTIMEOUT) by label name. A DEFAULT naming a .c32 module is
 * the old way to pick the menu UI; whichsys.c32 (archiso) chooses by how it was booted: "-iso-".
 */
function defaultIndex(labels: readonly Label[], defaultLabel: string | null, onTimeout: string | null): number {
  const menuDefault = labels.findIndex((label) => label.menuDefault);
  if (menuDefault >= 0) return menuDefault;
  const find = (name: string | null): number => (name ? labels.findIndex((label) => label.name.toLowerCase() === name.toLowerCase()) : -1);
  const named = defaultLabel && !/\.c32$/iu.test(defaultLabel) ? defaultLabel : onTimeout;
  let index = find(named);
  const label = labels[index];
  if (label?.kernel && /whichsys\.c32$/iu.test(label.kernel)) {
    const choice = /-iso-\s+(\S+)/u.exec(label.append ?? '') ?? /-sys-\s+(\S+)/u.exec(label.append ?? '');
    const picked = find(choice?.[1] ?? null);
    if (picked >= 0) index = picked;
  }
  return index >= 0 ? index : labels.length > 0 ? 0 : -1;
}

/** syslinux paths: relative to the working directory; "::" starts a path at the root (PXELINUX). */
function syslinuxPath(baseDir: string, path: string): string {
  return resolvePath(baseDir, path.startsWith('::') ? `/${path.slice(2)}` : path);
}

function toEntry(label: Label, isDefault: boolean, baseDir: string): BootEntry {
  const words = label.append === null || label.append === '-' ? [] : label.append.split(/\s+/u).filter(Boolean);
  const initrds = [...label.initrd];
  const cmdline: string[] = [];
  for (const word of words) {
    // syslinux.txt: "initrd=" on the APPEND line names the initrd(s), comma separated.
    if (/^initrd=/iu.test(word)) initrds.push(...word.slice(7).split(',').filter(Boolean));
    else cmdline.push(word);
  }
  return {
    title: label.title ?? label.name,
    kernel: label.kernel ? syslinuxPath(baseDir, label.kernel) : null,
    initrd: initrds.map((initrd) => syslinuxPath(baseDir, initrd)),
    cmdline: cmdline.join(' '),
    isDefault,
  };
}
