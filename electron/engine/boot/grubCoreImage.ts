// GRUB's BIOS core image (diskboot + lzma decompressor + kernel + modules + early config), made
// by the host's grub-mkimage without touching any disk: grub-install would need the stick's
// filesystem mounted, and the engine mounts nothing.
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, ExecaError } from 'execa';
import { GrubBiosError } from './grubBiosError';
import { configDirectory, renderGrubEarlyConfig, type GrubEarlyConfigOptions } from './grubEarlyConfig';
import { grubCoreModules, type GrubCoreModuleOptions } from './grubCoreModules';
import { embeddingAreaSectors } from './grubCoreEmbedding';
import { locateGrubPcTools, type GrubPcTools, type LocateGrubPcToolsOptions } from './grubPcTools';
import { SECTOR_BYTES } from './grubBiosLayout';

export interface BuildGrubCoreImageOptions extends GrubCoreModuleOptions, GrubEarlyConfigOptions {
  /** First sector of the first partition: core.img must fit in the gap before it (see grubCoreEmbedding). */
  firstPartitionLba: number;
  /** Where core.img will start. Default 1 (right after the MBR). */
  coreLba?: number;
  /** Found tools, or where to look (default: PATH and the usual module directories). */
  tools?: GrubPcTools | LocateGrubPcToolsOptions;
  signal?: AbortSignal;
}

const MKIMAGE_TIMEOUT_MS = 60_000;

function isLocated(tools: BuildGrubCoreImageOptions['tools']): tools is GrubPcTools {
  return tools !== undefined && 'mkimage' in tools && 'moduleDir' in tools && typeof tools.mkimage === 'string' && typeof tools.moduleDir === 'string';
}

/** Builds core.img for i386-pc and checks it fits before the first partition. */
export async function buildGrubCoreImage(options: BuildGrubCoreImageOptions): Promise<Buffer> {
  const config = renderGrubEarlyConfig(options);
  const modules = grubCoreModules(options);
  const coreLba = options.coreLba ?? 1;
  const capacity = embeddingAreaSectors(coreLba, options.firstPartitionLba);
  const tools = isLocated(options.tools) ? options.tools : await locateGrubPcTools(options.tools);

  for (const name of modules) {
    try {
      await access(path.join(tools.moduleDir, `${name}.mod`));
    } catch {
      throw new GrubBiosError('GRUB_MODULE_MISSING', `GRUB module ${name} is not in ${tools.moduleDir}`, {
        module: name,
        moduleDir: tools.moduleDir,
      });
    }
  }

  const work = await mkdtemp(path.join(tmpdir(), 'sw-grub-core-'));
  try {
    const configFile = path.join(work, 'early.cfg');
    const output = path.join(work, 'core.img');
    await writeFile(configFile, config);
    const args = [
      '-O', 'i386-pc',
      '-d', tools.moduleDir,
      '-c', configFile,
      // The prefix before the early config runs; it then sets ($root)<dir> itself.
      '-p', configDirectory(options.configPath),
      '-o', output,
      ...modules,
    ];
    try {
      await execa(tools.mkimage, args, {
        stdin: 'ignore',
        env: { LC_ALL: 'C' }, // untranslated messages in MKIMAGE_FAILED
        timeout: MKIMAGE_TIMEOUT_MS,
        ...(options.signal ? { cancelSignal: options.signal } : {}),
      });
    } catch (error) {
      const stderr = error instanceof ExecaError ? String(error.stderr ?? '').trim() : '';
      const why = stderr || (error instanceof Error ? error.message : String(error));
      throw new GrubBiosError('MKIMAGE_FAILED', `${path.basename(tools.mkimage)} failed: ${why}`, { mkimage: tools.mkimage }, { cause: error });
    }
    const image = await readFile(output);
    const sectors = Math.ceil(image.length / SECTOR_BYTES);
    if (sectors > capacity) {
      throw new GrubBiosError(
        'CORE_TOO_LARGE',
        `core.img takes ${sectors} sectors but only ${capacity} are free between LBA ${coreLba} and the partition at LBA ${options.firstPartitionLba}`,
        { coreSectors: sectors, capacitySectors: capacity, coreLba, firstPartitionLba: options.firstPartitionLba },
      );
    }
    return image;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
