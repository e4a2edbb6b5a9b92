// BIOS boot for a stick: what `grub-bios-setup` does, without it. grub-bios-setup wants the boot
// directory mounted and guesses the host disk from it (fails on image files and loop devices);
// the engine mounts nothing, and Windows/macOS have no grub-bios-setup at all. So: read sector 0
// and the partition table, check the gap, write the patched core.img into the gap and GRUB's
// boot.img over the MBR's first 440 bytes (disk signature and partition table kept), read both
// back. Order as in util/setup.c: core first, the MBR last, so a failure in between leaves the
// old boot code in charge.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { parseGptEntries, parseGptHeader } from '../iso/partitionTables';
import type { DiskSink } from './diskSink';
import { BIOS_BOOT_PARTITION_GUID, checkEmbeddingArea, isProtectiveMbr, readMbrEntries, type GptLayout } from './embeddingArea';
import { GrubBiosError } from './grubBiosError';
import { BLOCKLIST_ENTRY_BYTES, FIRST_BLOCKLIST_OFFSET, SECTOR_BYTES } from './grubBiosLayout';
import { hasMbrSignature, patchGrubBootSector } from './grubBootSector';
import { embedGrubCore, embeddingAreaSectors } from './grubCoreEmbedding';
import { locateGrubPcModuleDir } from './grubPcTools';

export interface InstallGrubBiosOptions {
  /** From buildGrubCoreImage (grub-mkimage -O i386-pc). */
  coreImage: Uint8Array;
  /** First LBA of the first partition (2048 for 1 MiB). On MBR core.img goes to LBA 1 … firstPartitionLba - 2. */
  firstPartitionLba: number;
  /** Where core.img starts. Default: LBA 1 on MBR, the BIOS boot partition on GPT. */
  coreLba?: number;
  /** GRUB's boot.img. Default: boot.img of `moduleDir`, which must be the GRUB that built coreImage. */
  bootImage?: Uint8Array;
  /** The i386-pc module directory; default as locateGrubPcModuleDir finds it. */
  moduleDir?: string;
  /** Reed-Solomon redundancy in the rest of the gap, as grub-install adds by default. Default true. */
  reedSolomon?: boolean;
}

export interface GrubBiosInstallation {
  partitionTable: 'msdos' | 'gpt';
  coreLba: number;
  coreSectors: number;
  /** Sectors written and loaded at boot: core.img plus its redundancy. */
  embedSectors: number;
  redundancyBytes: number;
}

async function readGpt(sink: DiskSink): Promise<GptLayout> {
  const header = parseGptHeader(await sink.read(SECTOR_BYTES, SECTOR_BYTES));
  if (header.kind !== 'ok') {
    const why = header.kind === 'bad' ? header.problem : 'no "EFI PART" header at LBA 1.';
    throw new GrubBiosError('AREA_OVERLAPS_GPT', `the MBR is protective but the GPT cannot be read: ${why}`, {});
  }
  const bytes = header.count * header.entrySize;
  const entries = await sink.read(bytes, header.entriesLba * SECTOR_BYTES);
  if (crc32(entries) >>> 0 !== header.entriesCrc) {
    throw new GrubBiosError('AREA_OVERLAPS_GPT', 'the GPT partition entry array checksum is wrong', {});
  }
  return {
    entriesLba: header.entriesLba,
    entriesSectors: Math.ceil(bytes / SECTOR_BYTES),
    partitions: parseGptEntries(entries, header.count, header.entrySize).map((p) => ({
      index: p.index,
      typeGuid: p.type,
      firstLba: p.start / SECTOR_BYTES,
      lastLba: (p.start + p.size) / SECTOR_BYTES - 1,
    })),
  };
}

/** Where core.img goes and how many sectors it may take there. */
function chooseArea(gpt: GptLayout | null, options: InstallGrubBiosOptions): { coreLba: number; areaSectors: number } {
  const biosBoot = gpt?.partitions.find((p) => p.typeGuid === BIOS_BOOT_PARTITION_GUID);
  if (gpt && options.coreLba === undefined) {
    if (!biosBoot) {
      throw new GrubBiosError(
        'AREA_OVERLAPS_GPT',
        'a GPT disk needs a BIOS boot partition (or an explicit coreLba past the entry array) for core.img: LBA 1 holds the GPT header',
        {},
      );
    }
    return { coreLba: biosBoot.firstLba, areaSectors: biosBoot.lastLba - biosBoot.firstLba + 1 };
  }
  const coreLba = options.coreLba ?? 1;
  if (biosBoot && coreLba >= biosBoot.firstLba && coreLba <= biosBoot.lastLba) {
    return { coreLba, areaSectors: biosBoot.lastLba + 1 - coreLba };
  }
  return { coreLba, areaSectors: embeddingAreaSectors(coreLba, options.firstPartitionLba) };
}

/**
 * boot.img of the module directory, after checking that core.img starts with that directory's
 * diskboot.img (all but the block lists): boot.img and diskboot must be of one GRUB build.
 */
async function moduleDirBootImage(coreImage: Uint8Array, moduleDir: string | undefined): Promise<Buffer> {
  const dir = await locateGrubPcModuleDir(moduleDir);
  const diskboot = await readFile(path.join(dir, 'diskboot.img'));
  const codeEnd = FIRST_BLOCKLIST_OFFSET - BLOCKLIST_ENTRY_BYTES;
  if (!Buffer.from(coreImage.subarray(0, codeEnd)).equals(diskboot.subarray(0, codeEnd))) {
    throw new GrubBiosError('BAD_CORE_IMAGE', `core.img was not made from ${dir} (its diskboot differs): pass the moduleDir it was built from`, {
      moduleDir: dir,
    });
  }
  return readFile(path.join(dir, 'boot.img'));
}

/** Installs GRUB's i386-pc boot code on the whole disk behind `sink`; throws GrubBiosError on any refusal. */
export async function installGrubBios(sink: DiskSink, options: InstallGrubBiosOptions): Promise<GrubBiosInstallation> {
  const sector0 = await sink.read(SECTOR_BYTES, 0);
  if (!hasMbrSignature(sector0)) {
    throw new GrubBiosError('NO_MBR_SIGNATURE', 'sector 0 does not end in 55 AA: write the partition table first', {});
  }
  const mbr = readMbrEntries(sector0);
  const gpt = isProtectiveMbr(mbr) ? await readGpt(sink) : null;
  const { coreLba, areaSectors } = chooseArea(gpt, options);

  const embedded = embedGrubCore(options.coreImage, { coreLba, areaSectors, reedSolomon: options.reedSolomon ?? true });
  checkEmbeddingArea(mbr, gpt, coreLba, embedded.embedSectors);

  const bootImage = options.bootImage ?? (await moduleDirBootImage(options.coreImage, options.moduleDir));
  const newSector0 = patchGrubBootSector(bootImage, sector0, coreLba);

  await sink.write(embedded.image, coreLba * SECTOR_BYTES);
  await sink.write(newSector0, 0);
  await sink.flush?.();

  const coreBack = await sink.read(embedded.image.length, coreLba * SECTOR_BYTES);
  const sector0Back = await sink.read(SECTOR_BYTES, 0);
  if (!coreBack.equals(embedded.image) || !sector0Back.equals(newSector0)) {
    throw new GrubBiosError('VERIFY_FAILED', 'the boot code read back differs from what was written', {
      coreLba,
      embedSectors: embedded.embedSectors,
    });
  }
  return {
    partitionTable: gpt ? 'gpt' : 'msdos',
    coreLba,
    coreSectors: embedded.coreSectors,
    embedSectors: embedded.embedSectors,
    redundancyBytes: embedded.redundancyBytes,
  };
}
