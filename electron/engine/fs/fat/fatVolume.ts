// A read-only FAT12/16/32 volume over any byte source: an EFI boot image inside an ISO today,
// the vfat partition of a stick later.
import type { ByteSource } from '../../io/byteSource';
import { ExtentByteSource, type Extent } from '../../io/extentByteSource';
import { SliceByteSource } from '../../io/sliceByteSource';
import { FilesystemError } from '../filesystemError';
import { parseBootSector, type FatGeometry } from './bootSector';
import { FatAttribute, parseDirectoryEntries } from './directoryEntries';
import { FatTable } from './fatTable';

export interface FatEntry {
  readonly name: string;
  readonly shortName: string;
  /** Absolute path inside the volume, "/" for the root. */
  readonly path: string;
  readonly kind: 'file' | 'directory';
  readonly size: number;
  readonly firstCluster: number;
  readonly modified: string | null;
  readonly attributes: number;
}

const MAX_DIRECTORY_BYTES = 65536 * 32; // §6: at most 65,536 entries per directory
const MAX_DEPTH = 64;
const MAX_ENTRIES = 1_000_000;

export class FatVolume {
  private readonly table: FatTable;
  readonly root: FatEntry;
  private rootLabel: string | null = null;

  private constructor(
    readonly source: ByteSource,
    readonly geometry: FatGeometry,
  ) {
    this.table = new FatTable(source, geometry);
    this.root = {
      name: '',
      shortName: '',
      path: '/',
      kind: 'directory',
      size: 0,
      firstCluster: geometry.type === 'FAT32' ? geometry.rootCluster : 0,
      modified: null,
      attributes: FatAttribute.DIRECTORY,
    };
  }

  /** Opens the FAT volume that starts `offset` bytes into `source` (a partition or image file). */
  static async open(source: ByteSource, offset = 0, length = source.size - offset): Promise<FatVolume> {
    const volume = offset === 0 && length === source.size ? source : new SliceByteSource(source, offset, length);
    if (volume.size < 512) throw new FilesystemError('FAT', `the volume is only ${volume.size} bytes`);
    const boot = await volume.read(0, 512);
    // The 55 AA signature at 510 (§3.1); mkfs.fat always writes it.
    if (boot.readUInt16LE(510) !== 0xaa55) throw new FilesystemError('FAT', 'no boot sector signature');
    const geometry = parseBootSector(boot);
    if (geometry.dataStart > volume.size) {
      throw new FilesystemError('FAT', `the data region starts at ${geometry.dataStart}, past the ${volume.size}-byte volume`);
    }
    const fat = new FatVolume(volume, geometry);
    await fat.list(fat.root);
    return fat;
  }

  get type(): FatGeometry['type'] {
    return this.geometry.type;
  }

  /** The label in the root directory (what Linux and Windows show), else the boot sector's. */
  get label(): string | null {
    return this.rootLabel ?? this.geometry.volumeLabel;
  }

  async list(directory: FatEntry | string): Promise<FatEntry[]> {
    const entry = typeof directory === 'string' ? await this.lookup(directory) : directory;
    if (!entry || entry.kind !== 'directory') return [];
    const bytes = await this.directoryBytes(entry);
    const parsed = parseDirectoryEntries(bytes);
    if (entry === this.root) this.rootLabel = parsed.volumeLabel;
    return parsed.entries.map((raw) => ({
      name: raw.name,
      shortName: raw.shortName,
      path: entry.path === '/' ? `/${raw.name}` : `${entry.path}/${raw.name}`,
      kind: raw.attributes & FatAttribute.DIRECTORY ? 'directory' : 'file',
      size: raw.attributes & FatAttribute.DIRECTORY ? 0 : raw.size,
      firstCluster: raw.firstCluster,
      modified: raw.modified,
      attributes: raw.attributes,
    }));
  }

  /** FAT names are case-insensitive (§6.1), so lookup is too. */
  async lookup(path: string): Promise<FatEntry | null> {
    let current = this.root;
    const parts = path.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.length > MAX_DEPTH) return null;
    for (const part of parts) {
      const folded = part.toLowerCase();
      const next = (await this.list(current)).find(
        (entry) => entry.name.toLowerCase() === folded || entry.shortName.toLowerCase() === folded,
      );
      if (!next) return null;
      current = next;
    }
    return current;
  }

  /** Every entry below the root, depth first; bounded in depth and count. */
  async *walk(): AsyncGenerator<FatEntry> {
    let count = 0;
    const visit = async function* (this: FatVolume, directory: FatEntry, depth: number): AsyncGenerator<FatEntry> {
      if (depth > MAX_DEPTH) throw new FilesystemError('FAT', `directories nest deeper than ${MAX_DEPTH}`);
      for (const entry of await this.list(directory)) {
        count += 1;
        if (count > MAX_ENTRIES) throw new FilesystemError('FAT', `more than ${MAX_ENTRIES} entries`);
        yield entry;
        if (entry.kind === 'directory') yield* visit.call(this, entry, depth + 1);
      }
    };
    yield* visit.call(this, this.root, 0);
  }

  /** A byte source over a file's clusters (contiguous runs merged into one extent). */
  async openFile(entry: FatEntry): Promise<ByteSource> {
    if (entry.size === 0) return new ExtentByteSource(this.source, []);
    const clusters = await this.table.chain(entry.firstCluster);
    const { bytesPerCluster } = this.geometry;
    if (clusters.length * bytesPerCluster < entry.size) {
      throw new FilesystemError('FAT', `${entry.path} is ${entry.size} bytes but its chain holds ${clusters.length} clusters`);
    }
    const extents = this.toExtents(clusters, entry.size);
    return new ExtentByteSource(this.source, extents);
  }

  async readFile(entry: FatEntry, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    if (entry.size > maxBytes) throw new FilesystemError('FAT', `${entry.path} is ${entry.size} bytes, over ${maxBytes}`);
    const file = await this.openFile(entry);
    return file.read(0, file.size);
  }

  private async directoryBytes(directory: FatEntry): Promise<Buffer> {
    const { geometry } = this;
    if (directory === this.root && geometry.type !== 'FAT32') {
      return this.source.read(geometry.rootDirStart, geometry.rootDirBytes);
    }
    if (directory.firstCluster === 0) return Buffer.alloc(0); // ".." of a child of the root, never listed
    const clusters = await this.table.chain(directory.firstCluster);
    const bytes = clusters.length * geometry.bytesPerCluster;
    if (bytes > MAX_DIRECTORY_BYTES) throw new FilesystemError('FAT', `directory ${directory.path} spans ${bytes} bytes`);
    const file = new ExtentByteSource(this.source, this.toExtents(clusters, bytes));
    return file.read(0, file.size);
  }

  private toExtents(clusters: number[], size: number): Extent[] {
    const { bytesPerCluster, dataStart } = this.geometry;
    const extents: { start: number; length: number }[] = [];
    let remaining = size;
    for (const cluster of clusters) {
      if (remaining <= 0) break;
      const start = dataStart + (cluster - 2) * bytesPerCluster;
      const length = Math.min(bytesPerCluster, remaining);
      const last = extents[extents.length - 1];
      if (last && last.start + last.length === start) last.length += length;
      else extents.push({ start, length });
      remaining -= length;
    }
    return extents;
  }
}
