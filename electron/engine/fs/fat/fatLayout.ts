// Plans a whole FAT volume without touching a disk: geometry (as mkfs.fat 4.2 would choose it),
// the directory tree with short and long names, and one contiguous cluster run for every file
// and directory, so big files can be streamed straight into place and found later by offset.
// Pure: same request, same layout.
import type { FatGeometry, FatType } from './bootSector';
import { chooseFatGeometry, FAT_COUNT, MEDIA_FIXED_DISK, SECTOR_BYTES } from './chooseFatGeometry';
import { FatAttribute } from './directoryEntries';
import { DIRECTORY_ENTRY_BYTES, entrySlotCount, type FatDirectoryEntryPlan } from './encodeDirectoryEntries';
import { FatLayoutError } from './fatLayoutError';
import { longNameProblem } from './longNameEntries';
import { assignShortNames } from './shortNames';

/** fatgen103 §6: DIR_FileSize is 32 bits, so a file holds at most 4 GiB − 1 bytes. */
export const MAX_FAT_FILE_SIZE = 0xffffffff;
/** fatgen103 §6: a directory holds at most 65,536 32-byte entries. */
const MAX_DIRECTORY_SLOTS = 65536;
/** mkfs.fat's fallback creation time when it has none: the FAT epoch, 1980-01-01 00:00. */
export const FAT_EPOCH = new Date(Date.UTC(1980, 0, 1));
/** FSI_Nxt_Free "no hint" (fatgen103 §5). */
const NO_HINT = 0xffffffff;

/** What the writer puts in a file's clusters. */
export type FatFileContent =
  /** The bytes come from the caller's `contents(path)` stream. */
  | { readonly kind: 'stream' }
  /**
   * Allocated at full size but not written, except its first `zeroHead` bytes, written as zeros
   * (a dm-snapshot overlay: only its header chunk must read zero).
   */
  | { readonly kind: 'reserve'; readonly zeroHead: number }
  /** Allocated only; the caller fills it later at the layout's offset (mke2fs -E offset=…). */
  | { readonly kind: 'external' };

export interface FatFileRequest {
  /** "/LiveOS/squashfs.img"; parent directories are created. */
  readonly path: string;
  readonly size: number;
  /** Default: `{ kind: 'stream' }`. */
  readonly content?: FatFileContent;
  /**
   * Start the file at a multiple of this many bytes from the start of the disk (hidden sectors
   * included), e.g. 1 MiB for flash erase blocks. Best effort: ignored when the cluster grid
   * cannot meet it or the volume has no aligned room left.
   */
  readonly alignment?: number;
  /** Default: the request's timestamp. */
  readonly modified?: Date;
}

export interface FatPlanRequest {
  /** Bytes of the partition; mkfs.fat 4.2 uses whole tracks of it (`layout.volumeBytes`). */
  readonly volumeSize: number;
  /** Written, and allocated, in this order. */
  readonly files: readonly FatFileRequest[];
  /** Directories to create even when empty. */
  readonly directories?: readonly string[];
  /** Up to 11 ASCII characters; null or "" for none. Written to the boot sector and the root. */
  readonly label: string | null;
  /** BS_VolID, the serial blkid reports as UUID "XXXX-XXXX". */
  readonly volumeId: number;
  /** Default: FAT32 from 512 MiB up, else what mkfs.fat would pick (FAT16 for an ESP). */
  readonly fatType?: FatType;
  /** BPB_HiddSec: the partition's first LBA (512-byte sectors). Default 0. */
  readonly hiddenSectors?: number;
  /** Timestamp of every entry without its own. Default: FAT_EPOCH, for reproducible images. */
  readonly timestamp?: Date;
}

export interface FatFilePlacement {
  /** Normalised: "/LiveOS/squashfs.img". */
  readonly path: string;
  readonly size: number;
  readonly content: FatFileContent;
  /** 0 for an empty file (§6: no clusters). */
  readonly firstCluster: number;
  readonly clusterCount: number;
  /** Byte offset of the file's first byte inside the volume; 0 for an empty file. */
  readonly offset: number;
  readonly allocatedBytes: number;
}

export interface FatDirectoryPlacement {
  /** "/" for the root. */
  readonly path: string;
  /** 0 for the FAT12/16 root, which lives in its own region. */
  readonly firstCluster: number;
  readonly clusterCount: number;
  readonly offset: number;
  readonly allocatedBytes: number;
  /** In on-disk order: label or "." and "..", then the children. */
  readonly entries: readonly FatDirectoryEntryPlan[];
}

export interface FatLayout extends FatGeometry {
  readonly hiddenSectors: number;
  readonly media: number;
  readonly sectorsPerTrack: number;
  readonly heads: number;
  /** Bytes the file system spans: totalSectors × 512, at most the partition size. */
  readonly volumeBytes: number;
  /** FAT32: the FSInfo sector and the backup boot sector (fatgen103 §5); 0 on FAT12/16. */
  readonly fsInfoSector: number;
  readonly backupBootSector: number;
  /** In request order. */
  readonly files: readonly FatFilePlacement[];
  /** The root first, then the others in cluster order. */
  readonly directories: readonly FatDirectoryPlacement[];
  readonly freeClusters: number;
  /** FSI_Nxt_Free: the first free cluster after the allocated ones, 0xFFFFFFFF when full. */
  readonly nextFreeCluster: number;
  readonly timestamp: Date;
}

interface DirectoryNode {
  readonly kind: 'directory';
  readonly name: string;
  readonly path: string;
  readonly parent: DirectoryNode | null;
  readonly children: TreeNode[];
  readonly byFoldedName: Map<string, TreeNode>;
}

interface FileNode {
  readonly kind: 'file';
  readonly name: string;
  readonly path: string;
  readonly index: number;
}

type TreeNode = DirectoryNode | FileNode;

interface ClusterRun {
  readonly firstCluster: number;
  readonly clusterCount: number;
}

export function planFat(request: FatPlanRequest): FatLayout {
  const volumeLabel = checkLabel(request.label);
  const volumeId = checkUint32(request.volumeId, 'volume id');
  const hiddenSectors = checkUint32(request.hiddenSectors ?? 0, 'hidden sectors');
  const timestamp = request.timestamp ?? FAT_EPOCH;
  request.files.forEach(checkFileRequest);

  const root = buildTree(request);
  const directories = listDirectories(root);
  const names = new Map(directories.map((directory) => [directory, nameChildren(directory)]));
  const slotsOf = (directory: DirectoryNode): number => {
    const own = directory === root ? (volumeLabel === null ? 0 : 1) : 2;
    const slots = own + (names.get(directory) ?? []).reduce((sum, child) => sum + entrySlotCount(child), 0);
    if (slots > MAX_DIRECTORY_SLOTS) {
      throw new FatLayoutError('too-many-entries', `${directory.path} needs ${slots} directory entries`, { path: directory.path, slots });
    }
    return slots;
  };
  const slots = new Map(directories.map((directory) => [directory, slotsOf(directory)]));

  const chosen = chooseFatGeometry({ volumeBytes: request.volumeSize, fatType: request.fatType, rootEntries: slots.get(root) });
  const fat32 = chosen.type === 'FAT32';
  const bytesPerCluster = chosen.sectorsPerCluster * SECTOR_BYTES;
  const rootDirSectors = Math.ceil((chosen.rootEntryCount * DIRECTORY_ENTRY_BYTES) / SECTOR_BYTES);
  const fatStart = chosen.reservedSectors * SECTOR_BYTES;
  const rootDirStart = (chosen.reservedSectors + FAT_COUNT * chosen.sectorsPerFat) * SECTOR_BYTES;
  const dataStart = rootDirStart + rootDirSectors * SECTOR_BYTES;
  const clusterOffset = (cluster: number): number => dataStart + (cluster - 2) * bytesPerCluster;

  // Directories first, right after the FATs, so all metadata is one sequential write; then the
  // files in the caller's order.
  const space = new FreeClusters(chosen.clusterCount);
  const directoryRuns = new Map<DirectoryNode, ClusterRun>();
  const requiredClusters =
    directories.reduce((sum, directory) => sum + (directory === root && !fat32 ? 0 : directoryClusters(directory)), 0) +
    request.files.reduce((sum, file) => sum + Math.ceil(file.size / bytesPerCluster), 0);
  if (requiredClusters > chosen.clusterCount) {
    throw new FatLayoutError('volume-too-small', `the files need ${requiredClusters * bytesPerCluster} bytes, the volume holds ${chosen.clusterCount * bytesPerCluster}`, {
      requiredBytes: requiredClusters * bytesPerCluster,
      availableBytes: chosen.clusterCount * bytesPerCluster,
    });
  }
  for (const directory of directories) {
    if (directory === root && !fat32) continue;
    directoryRuns.set(directory, space.allocate(directoryClusters(directory), null) ?? outOfSpace(directory.path));
  }
  function directoryClusters(directory: DirectoryNode): number {
    return Math.max(1, Math.ceil(((slots.get(directory) ?? 0) * DIRECTORY_ENTRY_BYTES) / bytesPerCluster));
  }
  function outOfSpace(path: string): never {
    throw new FatLayoutError('volume-too-small', `no room left for ${path}`, { path, availableBytes: chosen.clusterCount * bytesPerCluster });
  }

  const diskOffsetOfCluster2 = hiddenSectors * SECTOR_BYTES + dataStart;
  const files: FatFilePlacement[] = request.files.map((file) => {
    const path = normalisePath(file.path);
    const content = file.content ?? { kind: 'stream' };
    const clusterCount = Math.ceil(file.size / bytesPerCluster);
    if (clusterCount === 0) return { path, size: file.size, content, firstCluster: 0, clusterCount: 0, offset: 0, allocatedBytes: 0 };
    const grid = file.alignment === undefined ? null : alignmentGrid(file.alignment, bytesPerCluster, diskOffsetOfCluster2);
    const run = (grid && space.allocate(clusterCount, grid)) ?? space.allocate(clusterCount, null) ?? outOfSpace(path);
    return {
      path,
      size: file.size,
      content,
      firstCluster: run.firstCluster,
      clusterCount,
      offset: clusterOffset(run.firstCluster),
      allocatedBytes: clusterCount * bytesPerCluster,
    };
  });

  const clusterOf = (node: TreeNode): number =>
    node.kind === 'file' ? (files[node.index]?.firstCluster ?? 0) : (directoryRuns.get(node)?.firstCluster ?? 0);
  const directoryPlacements: FatDirectoryPlacement[] = directories.map((directory) => {
    const entries: FatDirectoryEntryPlan[] = [];
    const stamp = (shortName: string, attributes: number, firstCluster: number): FatDirectoryEntryPlan => ({
      longName: null,
      shortName,
      attributes,
      firstCluster,
      size: 0,
      modified: timestamp,
    });
    if (directory === root) {
      if (volumeLabel !== null) entries.push(stamp(volumeLabel.padEnd(11, ' '), FatAttribute.VOLUME_ID, 0));
    } else {
      // §6 "." and "..": ".." of a child of the root points at cluster 0, even on FAT32.
      entries.push(stamp('.'.padEnd(11, ' '), FatAttribute.DIRECTORY, clusterOf(directory)));
      const parent = directory.parent;
      entries.push(stamp('..'.padEnd(11, ' '), FatAttribute.DIRECTORY, parent === null || parent === root ? 0 : clusterOf(parent)));
    }
    for (const child of names.get(directory) ?? []) {
      const { node } = child;
      const file = node.kind === 'file' ? request.files[node.index] : undefined;
      entries.push({
        longName: child.longName,
        shortName: child.shortName,
        attributes: node.kind === 'directory' ? FatAttribute.DIRECTORY : FatAttribute.ARCHIVE,
        firstCluster: clusterOf(node),
        size: file?.size ?? 0,
        modified: file?.modified ?? timestamp,
      });
    }
    const run = directoryRuns.get(directory);
    if (!run) {
      const rootDirBytes = rootDirSectors * SECTOR_BYTES;
      return { path: '/', firstCluster: 0, clusterCount: 0, offset: rootDirStart, allocatedBytes: rootDirBytes, entries };
    }
    return {
      path: directory.path,
      firstCluster: run.firstCluster,
      clusterCount: run.clusterCount,
      offset: clusterOffset(run.firstCluster),
      allocatedBytes: run.clusterCount * bytesPerCluster,
      entries,
    };
  });

  return {
    type: chosen.type,
    bytesPerSector: SECTOR_BYTES,
    sectorsPerCluster: chosen.sectorsPerCluster,
    bytesPerCluster,
    reservedSectors: chosen.reservedSectors,
    fatCount: FAT_COUNT,
    sectorsPerFat: chosen.sectorsPerFat,
    rootEntryCount: chosen.rootEntryCount,
    totalSectors: chosen.totalSectors,
    fatStart,
    rootDirStart,
    rootDirBytes: rootDirSectors * SECTOR_BYTES,
    dataStart,
    clusterCount: chosen.clusterCount,
    rootCluster: fat32 ? (directoryRuns.get(root)?.firstCluster ?? 2) : 0,
    volumeLabel,
    volumeId,
    hiddenSectors,
    media: MEDIA_FIXED_DISK,
    sectorsPerTrack: chosen.sectorsPerTrack,
    heads: chosen.heads,
    volumeBytes: chosen.totalSectors * SECTOR_BYTES,
    fsInfoSector: fat32 ? 1 : 0,
    backupBootSector: fat32 ? 6 : 0,
    files,
    directories: directoryPlacements,
    freeClusters: space.freeCount,
    nextFreeCluster: space.nextFreeHint() ?? NO_HINT,
    timestamp,
  };
}

/** The cluster runs the FAT must chain: every directory with clusters and every non-empty file. */
export function allocatedRuns(layout: Pick<FatLayout, 'files' | 'directories'>): ClusterRun[] {
  return [...layout.directories, ...layout.files]
    .filter((item) => item.clusterCount > 0)
    .map(({ firstCluster, clusterCount }) => ({ firstCluster, clusterCount }))
    .sort((a, b) => a.firstCluster - b.firstCluster);
}

interface NamedChild {
  readonly node: TreeNode;
  readonly longName: string | null;
  readonly shortName: string;
}

function nameChildren(directory: DirectoryNode): NamedChild[] {
  const assigned = assignShortNames(directory.children.map((child) => child.name));
  return directory.children.map((node, index) => {
    const names = assigned[index];
    if (!names) throw new Error('short name missing');
    return { node, shortName: names.shortName, longName: names.needsLongName ? node.name : null };
  });
}

function buildTree(request: FatPlanRequest): DirectoryNode {
  const root: DirectoryNode = { kind: 'directory', name: '', path: '/', parent: null, children: [], byFoldedName: new Map() };
  const ensureDirectory = (components: readonly string[]): DirectoryNode => {
    let current = root;
    for (const name of components) {
      const existing = current.byFoldedName.get(foldName(name));
      if (existing?.kind === 'file') throw nameClash(existing.path, 'is a file and a directory');
      if (existing && existing.name !== name) throw nameClash(existing.path, `and ${joinPath(current, name)} differ only in case`);
      if (existing) {
        current = existing;
        continue;
      }
      const created: DirectoryNode = { kind: 'directory', name, path: joinPath(current, name), parent: current, children: [], byFoldedName: new Map() };
      current.children.push(created);
      current.byFoldedName.set(foldName(name), created);
      current = created;
    }
    return current;
  };
  for (const path of request.directories ?? []) ensureDirectory(pathComponents(path));
  request.files.forEach((file, index) => {
    const components = pathComponents(file.path);
    const name = components[components.length - 1];
    if (name === undefined) throw new FatLayoutError('name-invalid', 'a file path names the root directory', { path: file.path });
    const parent = ensureDirectory(components.slice(0, -1));
    const existing = parent.byFoldedName.get(foldName(name));
    if (existing) {
      const why = existing.kind === 'directory' ? 'is a file and a directory' : existing.name === name ? 'is given twice' : `and ${joinPath(parent, name)} differ only in case`;
      throw nameClash(existing.path, why);
    }
    const node: FileNode = { kind: 'file', name, path: joinPath(parent, name), index };
    parent.children.push(node);
    parent.byFoldedName.set(foldName(name), node);
  });
  return root;
}

/** Pre-order: the root, then each directory before its subdirectories. */
function listDirectories(root: DirectoryNode): DirectoryNode[] {
  const result: DirectoryNode[] = [];
  const visit = (directory: DirectoryNode): void => {
    result.push(directory);
    for (const child of directory.children) if (child.kind === 'directory') visit(child);
  };
  visit(root);
  return result;
}

function pathComponents(path: string): string[] {
  const components = path.split('/').filter((part) => part !== '');
  for (const name of components) {
    const problem = longNameProblem(name);
    if (problem) throw new FatLayoutError('name-invalid', `${path}: ${problem}`, { path, name });
  }
  return components;
}

function normalisePath(path: string): string {
  return `/${pathComponents(path).join('/')}`;
}

function joinPath(parent: DirectoryNode, name: string): string {
  return parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
}

/** FAT names compare ignoring case (fatgen103 §6.1, §7). */
function foldName(name: string): string {
  return name.toLowerCase();
}

function nameClash(path: string, why: string): FatLayoutError {
  return new FatLayoutError('name-invalid', `${path} ${why}`, { path });
}

/** mkfs.fat's label rules (dosfstools validate_volume_label), limited to ASCII. */
function checkLabel(label: string | null): string | null {
  const trimmed = (label ?? '').replace(/ +$/u, '');
  if (trimmed === '' || trimmed === 'NO NAME') return null;
  const refuse = (why: string): never => {
    throw new FatLayoutError('label-invalid', `the volume label ${JSON.stringify(label)} ${why}`, { label });
  };
  if (trimmed.length > 11) refuse('is longer than 11 characters');
  if (trimmed.startsWith(' ')) refuse('starts with a space');
  for (const char of trimmed) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) refuse('holds a character outside printable ASCII');
    if ('*?.,;:/\\|+=<>[]"'.includes(char)) refuse(`holds the forbidden character ${JSON.stringify(char)}`);
  }
  return trimmed;
}

function checkUint32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${what} ${value} is not a 32-bit unsigned integer`);
  return value;
}

function checkFileRequest(file: FatFileRequest): void {
  if (!Number.isSafeInteger(file.size) || file.size < 0) throw new RangeError(`${file.path}: size ${file.size} is not a byte count`);
  if (file.size > MAX_FAT_FILE_SIZE) {
    throw new FatLayoutError('file-too-large', `${file.path} is ${file.size} bytes; a FAT file holds at most ${MAX_FAT_FILE_SIZE}`, {
      path: file.path,
      size: file.size,
      maxSize: MAX_FAT_FILE_SIZE,
    });
  }
  const content = file.content;
  if (content?.kind === 'reserve' && (!Number.isSafeInteger(content.zeroHead) || content.zeroHead < 0 || content.zeroHead > file.size)) {
    throw new RangeError(`${file.path}: zeroHead ${content.zeroHead} is not within the file's ${file.size} bytes`);
  }
  const alignment = file.alignment;
  if (alignment !== undefined && (!Number.isSafeInteger(alignment) || alignment < SECTOR_BYTES || (alignment & (alignment - 1)) !== 0)) {
    throw new RangeError(`${file.path}: alignment ${alignment} is not a power of two of at least ${SECTOR_BYTES}`);
  }
}

/** Which clusters start on an `alignment` boundary of the disk: every `period`-th from `phase`. */
interface AlignmentGrid {
  readonly period: number;
  readonly phase: number;
}

function alignmentGrid(alignment: number, bytesPerCluster: number, diskOffsetOfCluster2: number): AlignmentGrid | null {
  // Cluster c starts at diskOffsetOfCluster2 + (c − 2) × bytesPerCluster; both sizes are powers
  // of two, so some cluster is aligned only if cluster 2 is aligned to the smaller one.
  if (diskOffsetOfCluster2 % Math.min(alignment, bytesPerCluster) !== 0) return null;
  const period = Math.max(1, alignment / bytesPerCluster);
  const clustersToBoundary = ((alignment - (diskOffsetOfCluster2 % alignment)) % alignment) / bytesPerCluster;
  return { period, phase: (2 + clustersToBoundary) % period };
}

/** Free cluster extents, first fit. */
class FreeClusters {
  /** Sorted, disjoint, inclusive. */
  private readonly extents: { first: number; last: number }[];
  private highestAllocated = 1;

  constructor(clusterCount: number) {
    this.extents = clusterCount > 0 ? [{ first: 2, last: clusterCount + 1 }] : [];
  }

  get freeCount(): number {
    return this.extents.reduce((sum, extent) => sum + extent.last - extent.first + 1, 0);
  }

  allocate(count: number, grid: AlignmentGrid | null): ClusterRun | null {
    for (let index = 0; index < this.extents.length; index += 1) {
      const extent = this.extents[index];
      if (!extent) break;
      const start = grid ? extent.first + ((grid.phase - (extent.first % grid.period) + grid.period) % grid.period) : extent.first;
      if (start + count - 1 > extent.last) continue;
      const pieces = [
        { first: extent.first, last: start - 1 },
        { first: start + count, last: extent.last },
      ].filter((piece) => piece.first <= piece.last);
      this.extents.splice(index, 1, ...pieces);
      this.highestAllocated = Math.max(this.highestAllocated, start + count - 1);
      return { firstCluster: start, clusterCount: count };
    }
    return null;
  }

  /** The first free cluster after the highest allocated one, else the lowest free one. */
  nextFreeHint(): number | null {
    const after = this.extents.find((extent) => extent.last > this.highestAllocated);
    if (after) return Math.max(after.first, this.highestAllocated + 1);
    return this.extents[0]?.first ?? null;
  }
}
