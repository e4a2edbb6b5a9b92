// GRUB 2 configuration, interpreted just far enough to list the menu: menuentry/submenu blocks,
// linux/initrd lines, simple `set` variables, `set default=`, and source/configfile of other
// files (GRUB manual §6.3 "Shell-like scripting", §16 "Command-line and menu entry commands").
import type { BootEntry } from '../../../shared/contract/isoReport';
import { dirname, MAX_CONFIG_BYTES, normalizePath, type ReadConfigText } from './configText';
import { expandWord, lexGrubScript, literalWord, type GrubToken } from './grubScriptLexer';
import type { ParsedBootConfig } from './isolinuxConfig';

type MenuItem =
  | { kind: 'entry'; title: string; id: string | null; kernel: string | null; initrd: string[]; cmdline: string }
  | { kind: 'submenu'; title: string; id: string | null; items: MenuItem[] };

interface EntryState {
  kernel: string | null;
  initrd: string[];
  cmdline: string;
}

interface Context {
  readonly items: MenuItem[];
  readonly variables: Map<string, string>;
  readonly entry: EntryState | null;
  readonly depth: number;
}

export interface GrubOptions {
  /** Variables GRUB would have set before reading the file, e.g. prefix. */
  readonly variables?: Readonly<Record<string, string>>;
}

const MAX_FILES = 32;
const MAX_DEPTH = 8;
const MAX_ITEMS = 512;
const MAX_COMMANDS = 100_000;
const KERNEL_COMMANDS = new Set(['linux', 'linuxefi', 'linux16', 'kernel']);
const INITRD_COMMANDS = new Set(['initrd', 'initrdefi', 'initrd16']);
const OPTIONS_WITH_VALUE = new Set(['--class', '--users', '--hotkey', '--id']);

export async function parseGrubConfig(
  path: string,
  readText: ReadConfigText,
  options: GrubOptions = {},
): Promise<ParsedBootConfig> {
  const top = normalizePath(path);
  const files: string[] = [];
  let commands = 0;
  let rootSearched = false;
  const variables = new Map<string, string>([['prefix', dirname(top)], ...Object.entries(options.variables ?? {})]);
  const root: Context = { items: [], variables, entry: null, depth: 0 };

  // The same path on another volume (after `search --set=root`) is another file.
  const seen = new Set<string>();
  const runFile = async (file: string, context: Context): Promise<void> => {
    const key = `${rootSearched ? 'searched' : 'initial'}:${file}`;
    if (context.depth > MAX_DEPTH || files.length >= MAX_FILES || seen.has(key)) return;
    seen.add(key);
    const text = await readText(file, { rootSearched });
    if (text === null || text.length > MAX_CONFIG_BYTES) return;
    files.push(file);
    await run(lexGrubScript(text), context);
  };

  const run = async (tokens: readonly GrubToken[], context: Context): Promise<void> => {
    let words: GrubToken[] = [];
    for (let i = 0; i < tokens.length; i += 1) {
      const token = tokens[i];
      if (!token) break;
      if (token.kind === 'word') {
        words.push(token);
        continue;
      }
      if (token.kind === 'open') {
        const close = matchingClose(tokens, i);
        const body = tokens.slice(i + 1, close);
        await block(words, body, context);
        words = [];
        i = close;
        continue;
      }
      // "end" or a stray "}": the command is complete.
      if (words.length > 0) await command(words, context);
      words = [];
    }
    if (words.length > 0) await command(words, context);
  };

  const block = async (words: GrubToken[], body: GrubToken[], context: Context): Promise<void> => {
    const keyword = words[0] ? literalWord(words[0]) : null;
    if (keyword === 'function') return; // definitions run only when called; we do not call them
    if (keyword !== 'menuentry' && keyword !== 'submenu') {
      // A brace block after anything else (e.g. inside if … fi): run it in place.
      if (words.length > 0) await command(words, context);
      await run(body, context);
      return;
    }
    if (context.items.length >= MAX_ITEMS || context.entry) return;
    const { title, id } = menuArguments(words.slice(1), context.variables);
    const variables = new Map(context.variables);
    if (keyword === 'submenu') {
      const items: MenuItem[] = [];
      await run(body, { items, variables, entry: null, depth: context.depth });
      context.items.push({ kind: 'submenu', title, id, items });
      return;
    }
    const entry: EntryState = { kernel: null, initrd: [], cmdline: '' };
    await run(body, { items: [], variables, entry, depth: context.depth });
    context.items.push({ kind: 'entry', title, id, ...entry });
  };

  const command = async (words: GrubToken[], context: Context): Promise<void> => {
    commands += 1;
    if (commands > MAX_COMMANDS) return;
    let start = 0;
    // Control words: conditions are not evaluated, so both branches are read in order.
    for (;;) {
      const word = words[start] ? literalWord(words[start] as GrubToken) : null;
      if (word === 'then' || word === 'else' || word === 'do' || word === '!') start += 1;
      else break;
    }
    const first = words[start];
    if (!first) return;
    const name = literalWord(first);
    if (name === 'if' || name === 'elif' || name === 'while' || name === 'until' || name === 'for' || name === 'fi' || name === 'done') return;
    const args = words.slice(start + 1).map((word) => (word.kind === 'word' ? expandWord(word.parts, context.variables) : ''));
    const { variables, entry } = context;

    const assignment = name !== null ? /^([A-Za-z_][A-Za-z0-9_]*)=/u.exec(name) : null;
    if (assignment?.[1] && first.kind === 'word') {
      const whole = expandWord(first.parts, variables);
      variables.set(assignment[1], whole.slice(whole.indexOf('=') + 1));
      if (assignment[1] === 'root') rootSearched = true;
      return;
    }
    switch (name) {
      case 'set':
        for (const arg of args) {
          const eq = arg.indexOf('=');
          if (eq > 0) variables.set(arg.slice(0, eq), arg.slice(eq + 1));
          if (arg.startsWith('root=')) rootSearched = true;
        }
        return;
      case 'search': {
        // search … --set[=VAR] (default VAR is root) points later paths at the volume it finds.
        const at = args.findIndex((arg) => arg === '--set' || arg === '-s' || arg.startsWith('--set='));
        const option = args[at];
        if (option !== undefined) {
          const next = args[at + 1];
          const variable = option.startsWith('--set=') ? option.slice(6) : next && !next.startsWith('-') && !next.startsWith('/') ? next : 'root';
          if (variable === 'root') rootSearched = true;
        }
        return;
      }
      case 'unset':
        for (const arg of args) variables.delete(arg);
        return;
      case 'source':
      case '.':
      case 'configfile': {
        // configfile starts a new menu; for listing entries, reading it in place is what matters.
        const target = args[0];
        if (target && !entry) await runFile(grubPath(target), { ...context, depth: context.depth + 1 });
        return;
      }
      default:
        break;
    }
    if (!entry || name === null) return;
    if (KERNEL_COMMANDS.has(name)) {
      entry.kernel = args[0] ? grubPath(args[0]) : null;
      entry.cmdline = args.slice(1).join(' ').split(/\s+/u).filter(Boolean).join(' ');
    } else if (INITRD_COMMANDS.has(name)) {
      entry.initrd = args.flatMap((arg) => arg.split(/\s+/u)).filter(Boolean).map(grubPath);
    }
  };

  await runFile(top, root);
  return { entries: flatten(root.items, variables.get('default')), files };
}

/** menuentry TITLE [--class c …] [--id id] [--unrestricted] …: the title is the first plain word. */
function menuArguments(words: GrubToken[], variables: ReadonlyMap<string, string>): { title: string; id: string | null } {
  let title: string | null = null;
  let id: string | null = null;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i];
    if (!word || word.kind !== 'word') continue;
    const value = expandWord(word.parts, variables);
    if (!word.quoted && value.startsWith('--')) {
      const [option = '', inline] = value.split('=', 2);
      if (OPTIONS_WITH_VALUE.has(option) && inline === undefined) {
        const next = words[i + 1];
        const optionValue = next && next.kind === 'word' ? expandWord(next.parts, variables) : '';
        if (option === '--id') id = optionValue;
        i += 1;
      } else if (option === '--id' && inline !== undefined) id = inline;
      continue;
    }
    title ??= value;
  }
  return { title: title ?? '', id };
}

/** "(hd0,gpt2)/boot/x" or "($root)/boot/x" → "/boot/x": paths are taken on the image itself. */
export function grubPath(path: string): string {
  return normalizePath(path.replace(/^\([^)]*\)/u, ''));
}

function matchingClose(tokens: readonly GrubToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    const kind = tokens[i]?.kind;
    if (kind === 'open') depth += 1;
    else if (kind === 'close') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return tokens.length;
}

/**
 * The entries in menu order, submenu entries titled "Submenu > Entry". `default` follows GRUB:
 * a number (index among the top-level items), "N>M" into submenus, or a title or --id.
 */
function flatten(items: MenuItem[], defaultValue: string | undefined): BootEntry[] {
  const chosen = findDefault(items, defaultValue ?? '0');
  const entries: BootEntry[] = [];
  const visit = (list: MenuItem[], prefix: string): void => {
    for (const item of list) {
      const title = prefix ? `${prefix} > ${item.title}` : item.title;
      if (item.kind === 'submenu') visit(item.items, title);
      else entries.push({ title, kernel: item.kernel, initrd: item.initrd, cmdline: item.cmdline, isDefault: item === chosen });
    }
  };
  visit(items, '');
  return entries;
}

function findDefault(items: MenuItem[], value: string): MenuItem | null {
  let list = items;
  let found: MenuItem | null = null;
  const parts = /^\s*$|^saved$|\$/u.test(value) ? ['0'] : value.split('>');
  for (const part of parts) {
    const key = part.trim();
    found = /^\d+$/u.test(key) ? (list[Number(key)] ?? null) : (list.find((item) => item.id === key || item.title === key) ?? null);
    if (!found) return null;
    if (found.kind === 'submenu') list = found.items;
  }
  // A submenu as the default opens it; its first entry is what a keypress would boot.
  while (found && found.kind === 'submenu') found = found.items[0] ?? null;
  return found;
}
