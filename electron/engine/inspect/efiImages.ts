// The EFI boot images of an ISO — the El Torito EFI entry, /images/efiboot.img and friends, and
// ESP partitions appended after the ISO — opened as FAT volumes to list their files and read the
// GRUB configuration inside.
import type { BootConfig, FileRef, PartitionEntry } from '../../../shared/contract/isoReport';
import { FatVolume } from '../fs/fat/fatVolume';
import type { ByteSource } from '../io/byteSource';
import type { BootImage } from '../iso/elTorito';
import type { IsoFileSystem } from '../iso/isoFileSystem';
import { EFI_SYSTEM_GUID } from '../iso/partitionTypes';
import { MAX_CONFIG_BYTES, type ReadConfigText } from './configText';
import { parseGrubConfig } from './grubConfig';
import { findIsoFile, isoConfigReader } from './isoConfigText';
import { describePeekFailure } from './peekFailure';

export interface EfiImageCandidate {
  /** How the report names it: an ISO path, or "[partition 2]". */
  readonly label: string;
  readonly start: number;
  readonly length: number;
}

/** Where distributions keep the EFI image as a file (lorax, Debian, older archiso, SUSE). */
const EFI_IMAGE_PATHS = ['/images/efiboot.img', '/isolinux/efiboot.img', '/boot/grub/efi.img', '/EFI/archiso/efiboot.img', '/efi.img', '/boot/efi.img'];
/** Where GRUB finds its config inside the ESP (grub-mkimage prefixes used by shim and distros). */
const GRUB_PATHS_IN_IMAGE = ['/EFI/BOOT/grub.cfg', '/EFI/BOOT/BOOT.conf', '/boot/grub/grub.cfg', '/boot/grub2/grub.cfg'];
const MAX_FILES_LISTED = 2000;
const SECTOR = 2048;

export async function findEfiImages(
  fs: IsoFileSystem,
  source: ByteSource,
  bootImages: readonly BootImage[],
  pathAtOffset: ReadonlyMap<number, string>,
  partitions: readonly PartitionEntry[],
): Promise<EfiImageCandidate[]> {
  const found: EfiImageCandidate[] = [];
  const add = (candidate: EfiImageCandidate): void => {
    if (candidate.start >= source.size || candidate.length < 512) return;
    const length = Math.min(candidate.length, source.size - candidate.start);
    if (found.some((other) => other.start === candidate.start)) return;
    found.push({ ...candidate, length });
  };
  for (const image of bootImages) {
    if (image.platform !== 'efi') continue;
    const start = image.lba * SECTOR;
    const path = pathAtOffset.get(start);
    const entry = path ? await fs.lookup(path) : null;
    const partition = partitions.find((part) => part.start === start);
    const length = entry?.size ?? partition?.size ?? source.size - start;
    add({ label: path ?? (partition ? partitionLabel(partition) : `[El Torito EFI image at sector ${image.lba}]`), start, length });
  }
  for (const path of EFI_IMAGE_PATHS) {
    const entry = await findIsoFile(fs, path);
    const extent = entry?.extents[0];
    if (entry && extent && entry.extents.length === 1) add({ label: entry.path, start: extent.start, length: entry.size });
  }
  for (const partition of partitions) {
    const esp = partition.scheme === 'gpt' ? partition.type === EFI_SYSTEM_GUID : partition.type === '0xef';
    if (esp) add({ label: partitionLabel(partition), start: partition.start, length: partition.size });
  }
  return found;
}

function partitionLabel(partition: PartitionEntry): string {
  return `[${partition.scheme.toUpperCase()} partition ${partition.index}]`;
}

export interface EfiImageConfig {
  readonly config: BootConfig;
  readonly notes: string[];
  /** ISO files the image's GRUB config went on to read (so those can be marked as UEFI-used). */
  readonly isoFilesRead: string[];
}

/** Lists the image's files and parses its GRUB config, reading through to the ISO where GRUB would. */
export async function readEfiImage(fs: IsoFileSystem, source: ByteSource, candidate: EfiImageCandidate): Promise<EfiImageConfig> {
  const empty: BootConfig = { path: candidate.label, kind: 'efi-image', firmware: 'uefi', entries: [], files: [] };
  try {
    const volume = await FatVolume.open(source, candidate.start, candidate.length);
    const files: FileRef[] = [];
    for await (const entry of volume.walk()) {
      if (entry.kind === 'file') files.push({ path: entry.path, size: entry.size });
      if (files.length >= MAX_FILES_LISTED) break;
    }
    const inIso = isoConfigReader(fs);
    const isoFilesRead: string[] = [];
    // GRUB in the ESP usually does `search --set=root` for the ISO and reads on from there.
    const fromImage = async (path: string): Promise<string | null> => {
      const entry = await volume.lookup(path);
      return entry && entry.kind === 'file' && entry.size <= MAX_CONFIG_BYTES ? (await volume.readFile(entry)).toString('utf8') : null;
    };
    const fromIso = async (path: string): Promise<string | null> => {
      const text = await inIso(path);
      if (text !== null) isoFilesRead.push(path);
      return text;
    };
    const readText: ReadConfigText = async (path, context) =>
      context?.rootSearched ? ((await fromIso(path)) ?? (await fromImage(path))) : ((await fromImage(path)) ?? (await fromIso(path)));
    let configPath: string | null = null;
    for (const path of GRUB_PATHS_IN_IMAGE) {
      const entry = await volume.lookup(path);
      if (entry && entry.kind === 'file') {
        configPath = entry.path;
        break;
      }
    }
    if (configPath === null) {
      const other = files.find((file) => /^\/EFI\/[^/]+\/grub\.cfg$/iu.test(file.path));
      configPath = other?.path ?? null;
    }
    if (configPath === null) return { config: { ...empty, files }, notes: [], isoFilesRead };
    const parsed = await parseGrubConfig(configPath, readText);
    return {
      config: { ...empty, path: `${candidate.label}::${configPath}`, entries: parsed.entries, files },
      notes: [],
      isoFilesRead,
    };
  } catch (error) {
    return { config: empty, notes: [describePeekFailure(`The EFI boot image ${candidate.label}`, error)], isoFilesRead: [] };
  }
}
