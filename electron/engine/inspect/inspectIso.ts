// inspect: read an ISO without mounting it and describe it (shared/contract/isoReport.ts).
// Only metadata is read — descriptors, directories, boot catalog, configs, the superblocks and
// root directories of embedded images — so a multi-GiB image costs a few hundred KiB of reads.
import type { BootConfig, ElToritoEntry, IsoReport } from '../../../shared/contract/isoReport';
import { StickwrightError } from '../../../shared/errors';
import { FilesystemError } from '../fs/filesystemError';
import { ByteRangeError, type ByteSource } from '../io/byteSource';
import { CachedByteSource } from '../io/cachedByteSource';
import { openFileByteSource } from '../io/fileByteSource';
import { readBootCatalog, type BootImage } from '../iso/elTorito';
import { IsoFileSystem, type IsoEntry } from '../iso/isoFileSystem';
import { readPartitionTables } from '../iso/partitionTables';
import { detectLayout } from './detectLayout';
import { findEfiImages, readEfiImage } from './efiImages';
import { markSharedConfigs, readIsoBootConfigs } from './isoBootConfigs';
import { peekRootImage } from './rootImage';
import { readEfiLoaders } from './efiLoaders';

export interface InspectOptions {
  /** Stops between steps with CANCELLED. */
  readonly signal?: AbortSignal;
  /** Look inside the root image for nested vs flat (default true); false saves a few reads. */
  readonly peekRootImage?: boolean;
}

export async function inspectIso(path: string, options: InspectOptions = {}): Promise<IsoReport> {
  const file = await openFileByteSource(path);
  try {
    return await inspectByteSource(file, path, options);
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** The same over any byte source (a block device, a buffer in tests); `path` is only reported. */
export async function inspectByteSource(image: ByteSource, path: string, options: InspectOptions = {}): Promise<IsoReport> {
  const started = performance.now();
  const source = new CachedByteSource(image);
  try {
    const report = await inspectSource(path, source, options);
    return { ...report, stats: { bytesRead: source.bytesRead, elapsedMs: Math.round((performance.now() - started) * 10) / 10 } };
  } catch (error) {
    throw asStickwrightError(error);
  }
}

async function inspectSource(path: string, source: CachedByteSource, options: InspectOptions): Promise<Omit<IsoReport, 'stats'>> {
  const checkpoint = (step: string): void => {
    if (options.signal?.aborted) throw new StickwrightError('CANCELLED', `inspect stopped before ${step}`);
  };
  checkpoint('reading the volume descriptors');
  const fs = await IsoFileSystem.open(source);
  const { primary, joliet, bootCatalogBlock } = fs.descriptors;
  const volumeBytes = primary.volumeSpaceSize * primary.blockSize;
  if (source.size < volumeBytes) {
    throw new StickwrightError('SOURCE_TRUNCATED', `the file has ${source.size} bytes but its volume descriptor says ${volumeBytes}`, {
      path,
      fileSize: source.size,
      expectedSize: volumeBytes,
    });
  }

  checkpoint('reading the directory tree');
  const files = { count: 0, directories: 0, totalBytes: 0, largest: null as { path: string; size: number } | null, entries: [] as { path: string; size: number }[] };
  const pathAtOffset = new Map<number, string>();
  for await (const entry of fs.walk()) {
    if (entry.kind === 'directory') {
      files.directories += 1;
      continue;
    }
    if (entry.kind !== 'file') continue;
    files.count += 1;
    files.totalBytes += entry.size;
    files.entries.push({ path: entry.path, size: entry.size });
    if (!files.largest || entry.size > files.largest.size) files.largest = { path: entry.path, size: entry.size };
    checkFileExtents(entry, source.size);
    const first = entry.extents[0];
    if (first && entry.size > 0 && !pathAtOffset.has(first.start)) pathAtOffset.set(first.start, entry.path);
  }

  checkpoint('reading the boot catalog');
  const notes: string[] = [];
  const catalog = bootCatalogBlock === null ? null : await readBootCatalog(source, bootCatalogBlock);
  notes.push(...(catalog?.problems ?? []));
  const bootImages = catalog?.images ?? [];
  const elTorito = await Promise.all(bootImages.map((image) => describeBootImage(fs, image, pathAtOffset)));

  checkpoint('reading the partition tables');
  const tables = await readPartitionTables(source);
  notes.push(...tables.problems);

  checkpoint('reading the boot configurations');
  const iso = await readIsoBootConfigs(fs, bootImages, pathAtOffset);
  const efiConfigs: BootConfig[] = [];
  const readByUefi = new Set<string>();
  for (const config of iso.configs) {
    if (config.firmware === 'uefi') for (const read of iso.filesRead.get(config.path) ?? []) readByUefi.add(read.toLowerCase());
  }
  for (const candidate of await findEfiImages(fs, source, bootImages, pathAtOffset, tables.partitions)) {
    const efi = await readEfiImage(fs, source, candidate);
    efiConfigs.push(efi.config);
    notes.push(...efi.notes);
    for (const read of efi.isoFilesRead) readByUefi.add(read.toLowerCase());
  }
  const bootConfigs = [
    ...markSharedConfigs(iso.configs, new Set([...readByUefi].map((read) => read.toLowerCase()))),
    ...efiConfigs,
  ];

  checkpoint('reading the UEFI loaders');
  const efiLoaders = await readEfiLoaders(fs);

  checkpoint('detecting the live layout');
  const layout = await detectLayout({
    fs,
    bootConfigs,
    hybrid: tables.mbr || tables.gpt,
    peekRootImage: options.peekRootImage === false ? null : (entry) => peekRootImage(fs, entry),
  });
  layout.notes.push(...notes);

  return {
    path,
    fileSize: source.size,
    volume: {
      label: primary.label,
      systemId: primary.systemId,
      publisher: primary.publisher,
      applicationId: primary.applicationId,
      created: primary.created,
      blockSize: primary.blockSize,
      size: volumeBytes,
    },
    extensions: { joliet: joliet !== null, rockRidge: fs.rockRidge, elTorito: catalog !== null && catalog.images.length > 0 },
    hybrid: { mbr: tables.mbr, gpt: tables.gpt, partitions: tables.partitions },
    elTorito,
    layout,
    bootConfigs,
    files,
    efiLoaders,
  };
}

async function describeBootImage(fs: IsoFileSystem, image: BootImage, pathAtOffset: ReadonlyMap<number, string>): Promise<ElToritoEntry> {
  const path = pathAtOffset.get(image.lba * 2048) ?? null;
  const entry = path ? await fs.lookup(path) : null;
  return {
    platform: image.platform,
    platformId: image.platformId,
    bootable: image.bootable,
    emulation: image.emulation,
    loadSegment: image.loadSegment,
    sectorCount: image.sectorCount,
    lba: image.lba,
    path,
    size: entry?.size ?? image.sectorCount * 512,
  };
}

/** ECMA-119 extents must lie inside the file; one past its end means the file was cut short. */
function checkFileExtents(entry: IsoEntry, fileSize: number): void {
  for (const extent of entry.extents) {
    if (extent.length > 0 && extent.start + extent.length > fileSize) {
      throw new StickwrightError('SOURCE_TRUNCATED', `${entry.path} lies past the end of the file`, {
        path: entry.path,
        extentEnd: extent.start + extent.length,
        fileSize,
      });
    }
  }
}

/** Whatever escapes is given a code: format damage is SOURCE_CORRUPT, anything else INTERNAL. */
function asStickwrightError(error: unknown): StickwrightError {
  if (error instanceof StickwrightError) return error;
  if (error instanceof FilesystemError || error instanceof ByteRangeError || error instanceof RangeError) {
    return new StickwrightError('SOURCE_CORRUPT', error.message, {}, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StickwrightError('INTERNAL', message, {}, { cause: error });
}
