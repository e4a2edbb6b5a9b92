// Where the host's GRUB for i386-pc lives: grub-mkimage (Debian, Ubuntu, Arch) or grub2-mkimage
// (Fedora, openSUSE), and the module directory holding boot.img, diskboot.img, kernel.img and
// the *.mod files. boot.img and core.img must come from the same directory: diskboot and
// boot.img are patched at offsets of one GRUB build.
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { GrubBiosError } from './grubBiosError';

export interface GrubPcTools {
  /** Absolute path of grub-mkimage / grub2-mkimage. */
  readonly mkimage: string;
  /** Directory with boot.img, diskboot.img, kernel.img, moddep.lst and *.mod for i386-pc. */
  readonly moduleDir: string;
}

export interface LocateGrubPcToolsOptions {
  /** Use this grub-mkimage instead of searching. */
  mkimage?: string;
  /** Use this module directory instead of searching. */
  moduleDir?: string;
  /** Directories searched for the programs; default $PATH plus the usual sbin/bin directories. */
  searchPath?: readonly string[];
}

const MKIMAGE_NAMES = ['grub-mkimage', 'grub2-mkimage'];
// Debian/Ubuntu/Arch and Fedora both use /usr/lib/grub/i386-pc; the others are older Fedora,
// openSUSE and self-built GRUBs.
const MODULE_DIRS = [
  '/usr/lib/grub/i386-pc',
  '/usr/lib/grub2/i386-pc',
  '/usr/share/grub2/i386-pc',
  '/usr/share/grub/i386-pc',
  '/usr/local/lib/grub/i386-pc',
];
const FALLBACK_BIN_DIRS = ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin', '/usr/local/sbin'];
/** Files without which neither the core image nor the MBR can be made. */
const REQUIRED_MODULE_DIR_FILES = ['boot.img', 'diskboot.img', 'kernel.img', 'lzma_decompress.img', 'moddep.lst'];

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function missingFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const name of REQUIRED_MODULE_DIR_FILES) {
    try {
      await access(path.join(dir, name), constants.R_OK);
    } catch {
      missing.push(name);
    }
  }
  return missing;
}

/** Finds grub-mkimage / grub2-mkimage, or throws GRUB_TOOLS_MISSING saying what to install. */
export async function locateGrubMkimage(options: Pick<LocateGrubPcToolsOptions, 'mkimage' | 'searchPath'> = {}): Promise<string> {
  if (options.mkimage !== undefined) {
    if (!(await isExecutable(options.mkimage))) {
      throw new GrubBiosError('GRUB_TOOLS_MISSING', `${options.mkimage} is not an executable file`, { path: options.mkimage });
    }
    return options.mkimage;
  }
  const dirs = options.searchPath ?? [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...FALLBACK_BIN_DIRS];
  for (const name of MKIMAGE_NAMES) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  throw new GrubBiosError(
    'GRUB_TOOLS_MISSING',
    'neither grub-mkimage nor grub2-mkimage was found; install grub-common (Debian/Ubuntu) or grub2-tools (Fedora)',
    { lookedFor: MKIMAGE_NAMES.join(',') },
  );
}

/** Finds the i386-pc module directory (boot.img, diskboot.img, kernel.img, *.mod), or throws GRUB_TOOLS_MISSING. */
export async function locateGrubPcModuleDir(moduleDir?: string): Promise<string> {
  if (moduleDir !== undefined) {
    const missing = await missingFiles(moduleDir);
    if (missing.length > 0) {
      throw new GrubBiosError('GRUB_TOOLS_MISSING', `${moduleDir} lacks ${missing.join(', ')}`, {
        moduleDir,
        missing: missing.join(','),
      });
    }
    return moduleDir;
  }
  for (const dir of MODULE_DIRS) {
    if ((await missingFiles(dir)).length === 0) return dir;
  }
  throw new GrubBiosError(
    'GRUB_TOOLS_MISSING',
    `no GRUB i386-pc module directory (looked in ${MODULE_DIRS.join(', ')}); install grub-pc-bin (Debian/Ubuntu) or grub2-pc-modules (Fedora)`,
    { lookedIn: MODULE_DIRS.join(',') },
  );
}

/** Both tools; see locateGrubMkimage and locateGrubPcModuleDir. */
export async function locateGrubPcTools(options: LocateGrubPcToolsOptions = {}): Promise<GrubPcTools> {
  return { mkimage: await locateGrubMkimage(options), moduleDir: await locateGrubPcModuleDir(options.moduleDir) };
}
