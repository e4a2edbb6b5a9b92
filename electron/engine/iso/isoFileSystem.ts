// The directory tree of an ISO 9660 image, read straight from the image: primary hierarchy with
// Rock Ridge names when present, else the Joliet hierarchy, else plain ISO 9660 names.
import { StickwrightError } from '../../../shared/errors';
import type { ByteSource } from '../io/byteSource';
import { ExtentByteSource, type Extent } from '../io/extentByteSource';
import { corrupt } from './corrupt';
import {
  isDirectory,
  isDotRecord,
  parseDirectoryRecords,
  RecordFlag,
  type DirectoryRecord,
} from './directoryRecord';
import { decodeIsoName, decodeJolietName } from './fileIdentifier';
import { isRockRidgeExtension, parseRockRidge, type RockRidgeInfo } from './rockRidge';
import { parseSp, readSuspEntries } from './susp';
import { readVolumeDescriptors, type VolumeDescriptorSet } from './volumeDescriptors';

export type IsoEntryKind = 'file' | 'directory' | 'symlink' | 'other';
export type IsoHierarchy = 'rock-ridge' | 'joliet' | 'iso9660';

export interface IsoEntry {
  readonly name: string;
  /** Absolute path in the image, "/" for the root. */
  readonly path: string;
  readonly kind: IsoEntryKind;
  /** For files, the sum of all extents (multi-extent files may exceed 4 GiB). */
  readonly size: number;
  /** Where the data lies in the image, in bytes, in file order. */
  readonly extents: readonly Extent[];
  readonly symlinkTarget: string | null;
  /** POSIX mode from Rock Ridge PX, else null. */
  readonly mode: number | null;
  readonly modified: string | null;
  /** ECMA-119 "existence" flag: the writer asked for it to be hidden. */
  readonly hidden: boolean;
}

export interface LookupOptions {
  /** Match names ignoring case (plain ISO 9660 names are upper case; Rock Ridge names are not). */
  readonly caseInsensitive?: boolean;
}

const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024; // ~500k entries; anything larger is nonsense
const MAX_DEPTH = 256;
const MAX_ENTRIES = 4_000_000;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

export class IsoFileSystem {
  private readonly children = new Map<number, Promise<IsoEntry[]>>();

  private constructor(
    readonly source: ByteSource,
    readonly descriptors: VolumeDescriptorSet,
    readonly hierarchy: IsoHierarchy,
    readonly root: IsoEntry,
    /** SUSP LEN_SKP (§5.3). */
    private readonly suspSkip: number,
  ) {}

  get blockSize(): number {
    return this.descriptors.primary.blockSize;
  }

  get rockRidge(): boolean {
    return this.hierarchy === 'rock-ridge';
  }

  get joliet(): boolean {
    return this.descriptors.joliet !== null;
  }

  /** Reads the volume descriptors and decides which hierarchy to present. */
  static async open(source: ByteSource): Promise<IsoFileSystem> {
    const descriptors = await readVolumeDescriptors(source);
    const primaryRoot = descriptors.primary.root;
    const blockSize = descriptors.primary.blockSize;
    const rootStart = primaryRoot.dataBlock * blockSize;
    checkExtentInFile(source, rootStart, Math.min(primaryRoot.dataLength, 2048), '/');
    const rootRecords = parseDirectoryRecords(await source.read(rootStart, Math.min(primaryRoot.dataLength, 2048)));
    const dot = rootRecords[0];
    if (!dot || !isDotRecord(dot)) throw corrupt('the root directory does not start with its "." record');
    let hierarchy: IsoHierarchy = descriptors.joliet ? 'joliet' : 'iso9660';
    let skip = 0;
    const sp = parseSp(dot.systemUse);
    if (sp) {
      const entries = await readSuspEntries(dot.systemUse, 0, continuationReader(source, blockSize));
      if (isRockRidgeExtension(entries) || parseRockRidge(entries).present) {
        hierarchy = 'rock-ridge';
        skip = sp.skip;
      }
    }
    const rootRecord = hierarchy === 'joliet' && descriptors.joliet ? descriptors.joliet.root : primaryRoot;
    const root: IsoEntry = {
      name: '',
      path: '/',
      kind: 'directory',
      size: rootRecord.dataLength,
      extents: [{ start: rootRecord.dataBlock * blockSize, length: rootRecord.dataLength }],
      symlinkTarget: null,
      mode: null,
      modified: rootRecord.recorded,
      hidden: false,
    };
    return new IsoFileSystem(source, descriptors, hierarchy, root, skip);
  }

  /** The entries of a directory (without "." and ".."), in recorded order. */
  async list(directory: IsoEntry | string): Promise<IsoEntry[]> {
    const entry = typeof directory === 'string' ? await this.lookup(directory) : directory;
    if (!entry || entry.kind !== 'directory') return [];
    const extent = entry.extents[0];
    if (!extent) return [];
    let listing = this.children.get(extent.start);
    if (!listing) {
      listing = this.readDirectory(entry);
      this.children.set(extent.start, listing);
    }
    return listing;
  }

  /** Finds `path` ("/a/b", "a/b"); exact names unless `caseInsensitive`, where exact still wins. */
  async lookup(path: string, options: LookupOptions = {}): Promise<IsoEntry | null> {
    let current: IsoEntry = this.root;
    const parts = path.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.length > MAX_DEPTH) return null;
    for (const part of parts) {
      if (current.kind !== 'directory') return null;
      const entries = await this.list(current);
      let next = entries.find((entry) => entry.name === part);
      if (!next && options.caseInsensitive) {
        const folded = part.toLowerCase();
        next = entries.find((entry) => entry.name.toLowerCase() === folded);
      }
      if (!next) return null;
      current = next;
    }
    return current;
  }

  /**
   * Every entry below the root, depth first. Throws SOURCE_CORRUPT on a directory that contains
   * one of its ancestors, on absurd depth or entry counts.
   */
  async *walk(): AsyncGenerator<IsoEntry> {
    let count = 0;
    const visit = async function* (this: IsoFileSystem, directory: IsoEntry, ancestors: Set<number>): AsyncGenerator<IsoEntry> {
      if (ancestors.size > MAX_DEPTH) throw corrupt(`directories nest deeper than ${MAX_DEPTH} levels`, { path: directory.path });
      for (const entry of await this.list(directory)) {
        count += 1;
        if (count > MAX_ENTRIES) throw corrupt(`more than ${MAX_ENTRIES} entries in the image`);
        yield entry;
        if (entry.kind !== 'directory') continue;
        const start = entry.extents[0]?.start ?? -1;
        if (ancestors.has(start)) {
          throw corrupt(`directory ${entry.path} loops back to one of its parents`, { path: entry.path });
        }
        const inner = new Set(ancestors);
        inner.add(start);
        yield* visit.call(this, entry, inner);
      }
    };
    yield* visit.call(this, this.root, new Set([this.root.extents[0]?.start ?? -1]));
  }

  /** A byte source over a file's data, following all its extents. */
  openFile(entry: IsoEntry): ByteSource {
    for (const extent of entry.extents) checkExtentInFile(this.source, extent.start, extent.length, entry.path);
    return new ExtentByteSource(this.source, entry.extents);
  }

  /** A whole small file; refuses files over `maxBytes` (configs, not squashfs images). */
  async readFile(entry: IsoEntry, maxBytes = 4 * 1024 * 1024): Promise<Buffer> {
    if (entry.size > maxBytes) throw new RangeError(`${entry.path} is ${entry.size} bytes, over ${maxBytes}`);
    const file = this.openFile(entry);
    return file.read(0, file.size);
  }

  private async readDirectory(directory: IsoEntry): Promise<IsoEntry[]> {
    const extent = directory.extents[0];
    if (!extent || extent.length === 0) return [];
    if (extent.length > MAX_DIRECTORY_BYTES) {
      throw corrupt(`directory ${directory.path} claims ${extent.length} bytes`, { path: directory.path, size: extent.length });
    }
    checkExtentInFile(this.source, extent.start, extent.length, directory.path);
    const records = parseDirectoryRecords(await this.source.read(extent.start, extent.length));
    const entries: IsoEntry[] = [];
    let pending: { record: DirectoryRecord; info: RockRidgeInfo | null; extents: Extent[] } | null = null;
    for (const record of records) {
      if (isDotRecord(record) || (record.flags & RecordFlag.ASSOCIATED) !== 0) continue;
      const info = this.rockRidge ? parseRockRidge(await this.suspEntries(record)) : null;
      const dataExtent = { start: record.dataBlock * this.blockSize, length: record.dataLength };
      if (pending) {
        // ECMA-119 §6.5.1: the records of a multi-extent file follow each other in order.
        pending.extents.push(dataExtent);
      } else {
        pending = { record, info, extents: [dataExtent] };
      }
      if (record.flags & RecordFlag.MULTI_EXTENT) continue;
      const entry = await this.makeEntry(directory, pending.record, pending.info, pending.extents);
      pending = null;
      if (entry) entries.push(entry);
    }
    if (pending) {
      // The last record still said "more extents follow": keep what there is.
      const entry = await this.makeEntry(directory, pending.record, pending.info, pending.extents);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  private async makeEntry(
    parent: IsoEntry,
    record: DirectoryRecord,
    info: RockRidgeInfo | null,
    extents: Extent[],
  ): Promise<IsoEntry | null> {
    // RRIP §4.1.5.3: a relocated directory appears in the tree where its CL placeholder is.
    if (info?.relocated) return null;
    const name =
      info?.name ??
      (this.hierarchy === 'joliet' ? decodeJolietName(record.identifier) : decodeIsoName(record.identifier));
    if (name === '' || name === '.' || name === '..' || name.includes('/')) {
      throw corrupt(`directory ${parent.path} holds an entry named ${JSON.stringify(name)}`, { path: parent.path });
    }
    const path = parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
    let kind: IsoEntryKind = isDirectory(record) ? 'directory' : 'file';
    let dataExtents = extents;
    const mode = info?.mode ?? null;
    const childLink = info?.childLink ?? null;
    if (childLink !== null) {
      kind = 'directory';
      dataExtents = [await this.relocatedExtent(childLink, path)];
    } else if ((info?.symlink ?? null) !== null || (mode !== null && (mode & S_IFMT) === S_IFLNK)) {
      kind = 'symlink';
    } else if (mode !== null && kind === 'file') {
      const type = mode & S_IFMT;
      if (type !== S_IFREG && type !== 0 && type !== S_IFDIR) kind = 'other';
    }
    if (kind === 'directory') dataExtents = dataExtents.slice(0, 1);
    const size = dataExtents.reduce((sum, extent) => sum + extent.length, 0);
    return {
      name,
      path,
      kind,
      size: kind === 'symlink' ? 0 : size,
      extents: dataExtents,
      symlinkTarget: info?.symlink ?? null,
      mode: info?.mode ?? null,
      modified: info?.modified ?? record.recorded,
      hidden: (record.flags & RecordFlag.HIDDEN) !== 0,
    };
  }

  /** The extent of a directory moved by RRIP deep-directory relocation, from its own "." record. */
  private async relocatedExtent(block: number, path: string): Promise<Extent> {
    const start = block * this.blockSize;
    checkExtentInFile(this.source, start, 2048, path);
    const dot = parseDirectoryRecords(await this.source.read(start, 2048))[0];
    if (!dot || !isDotRecord(dot) || !isDirectory(dot)) {
      throw corrupt(`the Rock Ridge child link of ${path} does not point at a directory`, { path, block });
    }
    return { start: dot.dataBlock * this.blockSize, length: dot.dataLength };
  }

  private suspEntries(record: DirectoryRecord) {
    return readSuspEntries(record.systemUse, this.suspSkip, continuationReader(this.source, this.blockSize));
  }
}

function continuationReader(source: ByteSource, blockSize: number) {
  return async (block: number, offset: number, length: number): Promise<Buffer> => {
    const start = block * blockSize + offset;
    checkExtentInFile(source, start, length, 'a Rock Ridge continuation area');
    return source.read(start, length);
  };
}

/** An extent past the end of the file means the image was cut short (or lies about itself). */
export function checkExtentInFile(source: ByteSource, start: number, length: number, path: string): void {
  if (start + length > source.size) {
    throw new StickwrightError('SOURCE_TRUNCATED', `${path} lies past the end of the file`, {
      path,
      extentEnd: start + length,
      fileSize: source.size,
    });
  }
}
