// `stickwright usage`: how full a written stick's persistence is, read offline and without
// mounting. Partition table → the live filesystem (the one holding /LiveOS or sister directories)
// → for each live image its overlay (dm-snapshot store, OverlayFS image or directory), its
// home.img, and the stick's free space. Only metadata is read: superblocks, directories, the FAT,
// extent trees, and one chunk per dm-snapshot metadata area.
import { readFile } from 'node:fs/promises';
import { StickwrightError } from '../../../shared/errors';
import { percentOf, usageWarnings } from '../../../shared/usage/usageLevels';
import type {
  DmSnapshotOverlay,
  HomeUsage,
  ImageUsage,
  LiveFilesystemUsage,
  OverlayUsage,
  StickPartition,
  UsageReport,
} from '../../../shared/usage/usageReport';
import type { ByteSource } from '../io/byteSource';
import { CachedByteSource } from '../io/cachedByteSource';
import { openFileByteSource, type FileByteSource } from '../io/fileByteSource';
import { readPartitionTables } from '../iso/partitionTables';
import { Ext4Volume } from '../fs/ext4/reader/ext4Volume';
import { hasExt4Magic } from '../fs/ext4/reader/superblock';
import { isDirectory } from '../fs/ext4/reader/inode';
import { FilesystemError } from '../fs/filesystemError';
import { entriesByImage, readBootEntries, type ImageBootEntries } from './bootMenus';
import { readCowUsage, SNAP_MAGIC, type CowUsage } from './cowStore';
import { applyLiveBoot, detectLiveBoot } from './liveMode';
import { openStickFilesystem, probeSignature, type FsSignature, type StickFilesystem } from './stickFilesystem';

const SECTOR = 512;
/** Files that make a directory a live image directory (dracut: squashfs.img, rootfs.img, ext3fs.img). */
const ROOT_IMAGES = ['squashfs.img', 'rootfs.img', 'ext3fs.img'];
/** An OverlayFS upper directory with more entries than this is not walked (it would not be quick). */
const MAX_UPPER_ENTRIES = 100_000;
/** MBR types that are not filesystems: GPT protective, extended partitions. */
const SKIPPED_MBR_TYPES = new Set(['0xee', '0x05', '0x0f', '0x85']);

export interface StickUsageOptions {
  /** Milliseconds clock, for the report's elapsed time (tests pin it). */
  readonly now?: () => number;
}

/** Reads the usage report of the stick (block device or image file) at `path`. */
export async function readStickUsage(path: string, options: StickUsageOptions = {}): Promise<UsageReport> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let file: FileByteSource;
  try {
    file = await openFileByteSource(path);
  } catch (error) {
    throw toStickError(error, path);
  }
  try {
    // 4 KiB blocks: filesystem metadata and dm-snapshot chunks are 4 KiB-aligned, so nothing is
    // read twice and nothing much is read that is not needed.
    const source = new CachedByteSource(file, { blockSize: 4096, maxBlocks: 4096 });
    const offline = await readStickUsageFrom(source, { path, kind: file.isBlockDevice ? 'block-device' : 'image-file' });
    // Booted from this very stick: the running image's figures come from the kernel.
    const boot = file.isBlockDevice ? await detectLiveBoot(path) : null;
    const report = boot ? applyLiveBoot(offline, boot) : offline;
    const notes = [...report.notes, ...(file.isBlockDevice && !boot ? await mountedNotes(path) : [])];
    return { ...report, notes, stats: { bytesRead: source.bytesRead, elapsedMs: Math.round((now() - started) * 10) / 10 } };
  } catch (error) {
    throw toStickError(error, path);
  } finally {
    await file.close();
  }
}

interface Candidate {
  readonly partition: StickPartition | null;
  readonly start: number;
  readonly size: number;
  readonly signature: FsSignature;
  fs: StickFilesystem | null;
  problem: string | null;
}

/** The report for a stick already opened as a byte source. */
export async function readStickUsageFrom(source: ByteSource, stick: { path: string; kind: 'image-file' | 'block-device' }): Promise<UsageReport> {
  const tables = await readPartitionTables(source);
  const notes: string[] = [...tables.problems];
  const gptStarts = new Set(tables.partitions.filter((p) => p.scheme === 'gpt').map((p) => p.start));
  const entries = tables.partitions.filter((p) => !(p.scheme === 'mbr' && (SKIPPED_MBR_TYPES.has(p.type) || gptStarts.has(p.start))));
  const candidates: Candidate[] = [];
  for (const p of entries) {
    if (p.size === 0 || p.start + p.size > source.size) {
      notes.push(`Partition ${p.index} lies past the end of the stick; it was not read.`);
      continue;
    }
    const signature = await probeSignature(source, p.start, p.size);
    const partition: StickPartition = { index: p.index, scheme: p.scheme, type: p.type, typeName: p.typeName, start: p.start, size: p.size, fs: signature, label: null };
    candidates.push({ partition, start: p.start, size: p.size, signature, fs: null, problem: null });
  }
  if (candidates.length === 0) {
    // A "superfloppy": one filesystem over the whole device, no partition table.
    candidates.push({ partition: null, start: 0, size: source.size, signature: await probeSignature(source, 0, source.size), fs: null, problem: null });
  }
  for (const c of candidates) {
    if (c.signature !== 'vfat' && c.signature !== 'ext4' && c.signature !== 'f2fs') continue;
    try {
      c.fs = await openStickFilesystem(c.signature, source, c.start, c.size);
    } catch (error) {
      c.problem = describe(error);
    }
  }

  let live: { candidate: Candidate; fs: StickFilesystem; dirs: string[] } | null = null;
  for (const c of candidates) {
    if (!c.fs) continue;
    try {
      const dirs = await liveDirectories(c.fs);
      if (dirs.length > 0) {
        live = { candidate: c, fs: c.fs, dirs };
        break;
      }
    } catch (error) {
      c.problem = describe(error);
    }
  }
  const partitions = candidates.flatMap((c) => (c.partition ? [{ ...c.partition, label: c.fs?.label ?? null }] : []));
  if (!live) {
    const problems = candidates.filter((c) => c.problem).map((c) => `${c.partition ? `partition ${c.partition.index}` : 'the device'}: ${c.problem}`);
    const found = candidates.map((c) => `${c.partition ? `partition ${c.partition.index}` : 'the device'} holds ${c.signature === 'other' ? 'no filesystem Stickwright reads' : c.signature}`);
    throw new StickwrightError('STICK_NO_LIVE_IMAGE', [...found, ...problems].join('; '), { path: stick.path });
  }

  const { fs, candidate } = live;
  const freeBytes = await fs.freeBytes();
  const capacity = fs.capacityBytes;
  const liveUsage: LiveFilesystemUsage = {
    partition: candidate.partition?.index ?? null,
    start: candidate.start,
    size: candidate.size,
    fs: fs.kind,
    label: fs.label,
    uuid: fs.uuid,
    capacityBytes: capacity,
    freeBytes: Math.min(freeBytes, capacity),
    usedBytes: Math.max(0, capacity - freeBytes),
    percent: percentOf(Math.max(0, capacity - freeBytes), capacity),
  };
  if (fs.journalRemark) notes.push(`The stick's ${fs.kind} filesystem: ${fs.journalRemark}.`);

  const others = candidates.filter((c) => c !== candidate && c.fs).map((c) => c.fs as StickFilesystem);
  const bootEntries = entriesByImage(await readBootEntries(fs, others).catch(() => []));
  const images: ImageUsage[] = [];
  for (const dir of live.dirs) {
    images.push(await readImage(fs, dir, bootFor(bootEntries, dir, fs.caseInsensitive), freeBytes, notes));
  }
  return {
    source: 'offline',
    stick: { path: stick.path, size: source.size, kind: stick.kind, partitionTable: tables.gpt ? 'gpt' : tables.mbr ? 'mbr' : 'none', partitions },
    live: liveUsage,
    images,
    warnings: usageWarnings(liveUsage, images),
    notes,
    stats: { bytesRead: 0, elapsedMs: 0 },
  };
}

/** Directories at the root holding a root image or an overlay: /LiveOS first, then A–Z. */
async function liveDirectories(fs: StickFilesystem): Promise<string[]> {
  const root = (await fs.list('/')) ?? [];
  const dirs: string[] = [];
  for (const entry of root) {
    if (entry.kind !== 'directory') continue;
    const inside = (await fs.list(`/${entry.name}`)) ?? [];
    const names = inside.map((e) => (fs.caseInsensitive ? e.name.toLowerCase() : e.name));
    if (names.some((n) => ROOT_IMAGES.includes(n.toLowerCase()) || n.toLowerCase().startsWith('overlay-'))) dirs.push(entry.name);
  }
  return dirs.sort((a, b) => (a === 'LiveOS' ? -1 : b === 'LiveOS' ? 1 : a.localeCompare(b)));
}

function bootFor(byDir: Map<string, ImageBootEntries>, dir: string, caseInsensitive: boolean): ImageBootEntries | null {
  if (byDir.has(dir)) return byDir.get(dir) ?? null;
  if (!caseInsensitive) return null;
  return [...byDir.values()].find((e) => e.dir.toLowerCase() === dir.toLowerCase()) ?? null;
}

async function readImage(fs: StickFilesystem, dir: string, boot: ImageBootEntries | null, liveFree: number, notes: string[]): Promise<ImageUsage> {
  const entries = (await fs.list(`/${dir}`)) ?? [];
  const same = (a: string, b: string) => (fs.caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);
  const rootEntry = ROOT_IMAGES.map((name) => entries.find((e) => e.kind === 'file' && same(e.name, name))).find(Boolean);
  // dracut's default path: overlay-<LABEL>-<UUID> of the live filesystem (livecd-spec.md §2.2 step 4).
  const expected = `overlay-${fs.label ?? ''}-${fs.uuid ?? ''}`;
  const overlayPath = boot?.overlayPath ?? `/${dir}/${expected}`;
  const overlays = entries.filter((e) => e.name.toLowerCase().startsWith('overlay-'));
  const chosen = await fs.stat(overlayPath).catch(() => null);
  const strays = overlays.map((e) => `/${dir}/${e.name}`).filter((p) => !(chosen && same(p, overlayPath)));
  for (const stray of strays) {
    notes.push(`${stray} does not match this filesystem's label and UUID (dracut looks for ${overlayPath}), so it is not used.`);
  }

  let overlay: OverlayUsage | null = null;
  if (chosen) {
    try {
      overlay = chosen.kind === 'directory' ? await directoryOverlay(fs, overlayPath, liveFree) : await fileOverlay(fs, overlayPath, chosen.size);
    } catch (error) {
      overlay = { kind: 'unsupported', path: overlayPath, state: 'unsupported', note: `The overlay could not be read: ${describe(error)}` };
    }
  }

  let home: HomeUsage | null = null;
  const homeEntry = entries.find((e) => e.kind === 'file' && same(e.name, 'home.img'));
  if (homeEntry) {
    const homePath = `/${dir}/${homeEntry.name}`;
    try {
      home = await readHome(fs, homePath, homeEntry.size);
    } catch (error) {
      home = { path: homePath, fileBytes: homeEntry.size, encrypted: false, fs: 'unknown', label: null, capacityBytes: null, usedBytes: null, freeBytes: null, percent: null, note: `It could not be read: ${describe(error)}` };
    }
  }

  return {
    dir,
    bootLabel: boot?.titles[0] ?? null,
    bootEntries: boot?.titles ?? [],
    rootImage: rootEntry ? { path: `/${dir}/${rootEntry.name}`, bytes: rootEntry.size } : null,
    overlay,
    strayOverlays: strays,
    home,
  };
}

/** A regular file: a dm-snapshot store (zeros or SnAp at the start) or an OverlayFS image. */
async function fileOverlay(fs: StickFilesystem, path: string, fileBytes: number): Promise<OverlayUsage> {
  const file = await fs.openFile(path);
  const head = await file.read(0, Math.min(file.size, 4096));
  // As dracut decides with blkid: the SnAp magic or no signature at all means a dm-snapshot store;
  // a filesystem signature means an OverlayFS image (an ext4 image starts with 1 KiB of zeros, so
  // zeros at the start alone do not make a store).
  const magic = head.length >= 4 ? head.readUInt32LE(0) : 0;
  if (magic !== SNAP_MAGIC) {
    if (head.length >= 2048 && hasExt4Magic(head.subarray(1024, 2048))) return overlayFsImage(file, path, fileBytes);
    // btrfs keeps its superblock at 64 KiB, after zeros (fs/btrfs BTRFS_SUPER_INFO_OFFSET, magic "_BHRfS_M" at +0x40).
    const btrfs = file.size >= 0x10048 && (await file.read(0x10040, 8)).toString('latin1') === '_BHRfS_M';
    const inner = btrfs ? 'btrfs' : innerFilesystem(head);
    if (inner) return { kind: 'unsupported', path, state: 'unsupported', note: `An OverlayFS image holding ${inner}, which Stickwright does not read yet.` };
  }
  return dmOverlay(path, fileBytes, await readCowUsage(file));
}

function dmOverlay(path: string, fileBytes: number, cow: CowUsage): DmSnapshotOverlay {
  const known = cow.state !== 'not-a-dm-overlay' && cow.state !== 'unsupported';
  const note =
    cow.state === 'not-a-dm-overlay'
      ? `Not a dm-snapshot overlay (${cow.note ?? 'unknown content'}): dracut would try it as one and the kernel would refuse it.`
      : cow.state === 'fresh'
        ? 'Not used yet: the kernel sets it up at the first boot with persistence.'
        : cow.note;
  return {
    kind: 'dm-snapshot',
    path,
    fileBytes,
    state: cow.state === 'not-a-dm-overlay' ? 'not-an-overlay' : cow.state,
    kernelStatus: cow.kernelStatus,
    chunkSectors: cow.chunkSectors,
    allocatedSectors: known ? cow.allocatedSectors : 0,
    totalSectors: cow.totalSectors,
    metadataSectors: known ? cow.metadataSectors : 0,
    allocatedBytes: (known ? cow.allocatedSectors : 0) * SECTOR,
    totalBytes: cow.totalSectors * SECTOR,
    metadataBytes: (known ? cow.metadataSectors : 0) * SECTOR,
    exceptions: cow.exceptions,
    percent: known ? percentOf(cow.allocatedSectors, cow.totalSectors) : 0,
    note: note ?? null,
  };
}

async function overlayFsImage(file: ByteSource, path: string, fileBytes: number): Promise<OverlayUsage> {
  const volume = await Ext4Volume.open(file);
  const free = await volume.freeBytes();
  const capacity = await volume.capacityBytes();
  const upper = await volume.lookup('/overlayfs');
  const work = await volume.lookup('/ovlwork');
  const usable = upper !== null && work !== null && isDirectory(upper) && isDirectory(work);
  const empty = usable && upper ? (await volume.list(upper)).length === 0 : false;
  const notes = [
    usable ? null : 'It has no /overlayfs and /ovlwork directories at its root, so dracut will not use it.',
    volume.journalRemark ? `Its ext4 filesystem: ${volume.journalRemark}.` : null,
  ].filter((n): n is string => n !== null);
  return {
    kind: 'overlayfs-image',
    path,
    fileBytes,
    state: !usable ? 'not-an-overlay' : empty ? 'fresh' : 'in-use',
    fs: 'ext4',
    capacityBytes: capacity,
    usedBytes: Math.max(0, capacity - free),
    freeBytes: free,
    percent: percentOf(Math.max(0, capacity - free), capacity),
    note: notes.length > 0 ? notes.join(' ') : null,
  };
}

async function directoryOverlay(fs: StickFilesystem, path: string, liveFree: number): Promise<OverlayUsage> {
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  const workPath = `${parent === '/' ? '' : parent}/ovlwork`;
  const work = await fs.stat(workPath).catch(() => null);
  const tree = await fs.treeUsage(path, MAX_UPPER_ENTRIES);
  const state = work?.kind !== 'directory' ? 'not-an-overlay' : tree && tree.entries === 0 ? 'fresh' : 'in-use';
  const notes = [
    work?.kind !== 'directory' ? `There is no ${workPath} directory beside it, so dracut will not use it.` : null,
    tree === null ? `It holds more than ${MAX_UPPER_ENTRIES} entries; their size was not added up. It grows into the stick's free space.` : null,
  ].filter((n): n is string => n !== null);
  return {
    kind: 'overlayfs-dir',
    path,
    workPath,
    state,
    usedBytes: tree?.bytes ?? null,
    entries: tree?.entries ?? null,
    availableBytes: liveFree,
    percent: tree ? percentOf(tree.bytes, tree.bytes + liveFree) : null,
    note: notes.length > 0 ? notes.join(' ') : null,
  };
}

async function readHome(fs: StickFilesystem, path: string, fileBytes: number): Promise<HomeUsage> {
  const file = await fs.openFile(path);
  const head = await file.read(0, Math.min(file.size, 4096));
  const base = { path, fileBytes, label: null, capacityBytes: null, usedBytes: null, freeBytes: null, percent: null };
  // LUKS1 and LUKS2 both start with "LUKS\xba\xbe" and a big-endian version (cryptsetup docs/on-disk-format).
  if (head.length >= 8 && head.toString('latin1', 0, 6) === 'LUKS\xba\xbe') {
    const version = head.readUInt16BE(6);
    return { ...base, encrypted: true, fs: `luks${version}`, note: 'Encrypted: only its size can be read without the passphrase.' };
  }
  if (head.length >= 2048 && hasExt4Magic(head.subarray(1024, 2048))) {
    const volume = await Ext4Volume.open(file);
    const capacity = await volume.capacityBytes();
    const free = await volume.freeBytes();
    return {
      ...base,
      encrypted: false,
      fs: 'ext4',
      label: volume.superblock.label || null,
      capacityBytes: capacity,
      usedBytes: Math.max(0, capacity - free),
      freeBytes: free,
      percent: percentOf(Math.max(0, capacity - free), capacity),
      note: volume.journalRemark ? `Its ext4 filesystem: ${volume.journalRemark}.` : null,
    };
  }
  return { ...base, encrypted: false, fs: innerFilesystem(head) ?? 'unknown', note: 'Not an ext4 or LUKS image; its usage was not read.' };
}

/** Other filesystems LITD allows inside an OverlayFS image (livecd-spec.md §1.4): by magic only. */
function innerFilesystem(head: Buffer): string | null {
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'XFSB') return 'xfs';
  if (head.length >= 1028 && head.readUInt32LE(1024) === 0xf2f52010) return 'f2fs';
  return null;
}

async function mountedNotes(path: string): Promise<string[]> {
  let mounts: string;
  try {
    mounts = await readFile('/proc/self/mounts', 'utf8');
  } catch {
    return [];
  }
  const base = path.replace(/\/+$/u, '');
  const mounted = mounts.split('\n').some((line) => {
    const device = line.split(' ')[0] ?? '';
    return device === base || new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}p?\\d+$`, 'u').test(device);
  });
  if (!mounted) return [];
  return [
    'A filesystem of this stick is mounted: the figures are those last written to the stick, and a running live system may hold more in memory.',
    'TODO (live mode): on the booted stick itself, `dmsetup status live-rw` gives the current figure; stickwright usage does not read it yet.',
  ];
}

function describe(error: unknown): string {
  if (error instanceof StickwrightError) return error.detail ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Opening and reading failures of the stick itself, in the stick's own error codes. */
function toStickError(error: unknown, path: string): unknown {
  if (error instanceof StickwrightError) {
    switch (error.code) {
      case 'SOURCE_NOT_FOUND':
        return new StickwrightError('STICK_NOT_FOUND', path, { path }, { cause: error });
      case 'SOURCE_IS_DIRECTORY':
      case 'SOURCE_NOT_A_FILE':
        return new StickwrightError('TARGET_NOT_USABLE', error.detail ?? path, { path }, { cause: error });
      case 'SOURCE_PERMISSION_DENIED':
      case 'SOURCE_READ_ERROR':
      case 'SOURCE_TRUNCATED':
        return new StickwrightError('STICK_UNREADABLE', error.detail ?? path, { ...error.data, path }, { cause: error });
      default:
        return error;
    }
  }
  if (error instanceof FilesystemError) return new StickwrightError('STICK_UNREADABLE', error.message, { path }, { cause: error });
  return error;
}
