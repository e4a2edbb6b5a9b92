// Boot configuration files are read through this one small interface, so the parsers work the
// same on the ISO tree, inside a FAT EFI image, or on plain strings in tests.

export interface ReadContext {
  /**
   * GRUB has run `search --set=root` (or set root=) since the config was loaded, so paths now
   * name files on whatever volume the search found — for an EFI image's stub, the ISO.
   */
  readonly rootSearched: boolean;
}

/** The text of the file at an absolute path, or null when there is none. */
export type ReadConfigText = (path: string, context?: ReadContext) => Promise<string | null>;

/** Configs are small; a larger "config" is not one, and is not read. */
export const MAX_CONFIG_BYTES = 512 * 1024;

/** "/a/b/../c/./d" → "/a/c/d"; always absolute. */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export function dirname(path: string): string {
  const normalized = normalizePath(path);
  const slash = normalized.lastIndexOf('/');
  return slash <= 0 ? '/' : normalized.slice(0, slash);
}

/** Joins a possibly relative path onto a directory. */
export function resolvePath(base: string, path: string): string {
  return normalizePath(path.startsWith('/') ? path : `${base}/${path}`);
}
