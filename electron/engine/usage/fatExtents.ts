// Bulk FAT reads for big files and free space. FatVolume follows a chain one entry at a time,
// which is fine for boot files but slow for a 4 GiB overlay of a million 4 KiB clusters; here the
// FAT is read in large windows and walked in memory (FAT spec 1.03 §4: entry values, end of
// chain ≥ 0x0FFFFFF8, free = 0).
import type { FatEntry, FatVolume } from '../fs/fat/fatVolume';
import { FilesystemError } from '../fs/filesystemError';
import { ExtentByteSource, type Extent } from '../io/extentByteSource';

const WINDOW_BYTES = 1024 * 1024;
/** The smallest end-of-chain value per FAT type; one less marks a bad cluster. */
const END_OF_CHAIN = { FAT12: 0xff8, FAT16: 0xfff8, FAT32: 0x0ffffff8 } as const;

/** Reads FAT entries through a window cache: the table is read at most once, 1 MiB at a time. */
class FatEntries {
  private readonly windows = new Map<number, Buffer>();
  private readonly type: FatVolume['type'];

  constructor(private readonly volume: FatVolume) {
    this.type = volume.geometry.type;
  }

  get tableBytes(): number {
    const { bytesPerSector, sectorsPerFat } = this.volume.geometry;
    return bytesPerSector * sectorsPerFat;
  }

  async entry(cluster: number): Promise<number> {
    if (this.type === 'FAT12') {
      // §4.2: 12-bit entries packed in 1.5 bytes; a FAT12 table is at most 6 KiB, one window.
      const table = await this.window(0);
      const at = cluster + (cluster >> 1);
      if (at + 2 > table.length) throw new FilesystemError('FAT', `FAT entry ${cluster} is past the FAT`);
      const pair = table.readUInt16LE(at);
      return cluster & 1 ? pair >> 4 : pair & 0xfff;
    }
    const entryBytes = this.type === 'FAT32' ? 4 : 2;
    const offset = cluster * entryBytes;
    const window = await this.window(Math.floor(offset / WINDOW_BYTES));
    const at = offset % WINDOW_BYTES;
    if (at + entryBytes > window.length) throw new FilesystemError('FAT', `FAT entry ${cluster} is past the FAT`);
    return entryBytes === 4 ? window.readUInt32LE(at) & 0x0fffffff : window.readUInt16LE(at);
  }

  /** The loaded window holding `cluster`'s entry, with the first cluster it covers. */
  async windowOf(cluster: number): Promise<{ first: number; entries: number; bytes: Buffer }> {
    if (this.type === 'FAT12') return { first: 0, entries: 0, bytes: await this.window(0) };
    const entryBytes = this.type === 'FAT32' ? 4 : 2;
    const index = Math.floor((cluster * entryBytes) / WINDOW_BYTES);
    const bytes = await this.window(index);
    return { first: (index * WINDOW_BYTES) / entryBytes, entries: Math.floor(bytes.length / entryBytes), bytes };
  }

  /** Does the window hold `cluster`'s entry? (FAT12 windows are never used synchronously.) */
  holds(window: { first: number; entries: number }, cluster: number): boolean {
    return cluster >= window.first && cluster < window.first + window.entries;
  }

  /** `cluster`'s entry from a loaded window, or null when it is not in it. */
  entryIn(window: { first: number; entries: number; bytes: Buffer }, cluster: number): number | null {
    if (!this.holds(window, cluster)) return null;
    const at = cluster - window.first;
    return this.type === 'FAT32' ? window.bytes.readUInt32LE(at * 4) & 0x0fffffff : window.bytes.readUInt16LE(at * 2);
  }

  async window(index: number): Promise<Buffer> {
    const hit = this.windows.get(index);
    if (hit) return hit;
    const start = index * WINDOW_BYTES;
    const length = Math.min(WINDOW_BYTES, this.tableBytes - start);
    if (length <= 0) throw new FilesystemError('FAT', `FAT window ${index} is past the FAT`);
    const bytes = await this.volume.source.read(this.volume.geometry.fatStart + start, length);
    this.windows.set(index, bytes);
    return bytes;
  }

  isEnd(value: number): boolean {
    return value >= END_OF_CHAIN[this.type];
  }

  isBad(value: number): boolean {
    return value === END_OF_CHAIN[this.type] - 1;
  }
}

/** One window cache per volume: the overlay's chain and the free count read the FAT once. */
const tables = new WeakMap<FatVolume, FatEntries>();

function entriesOf(volume: FatVolume): FatEntries {
  let fat = tables.get(volume);
  if (!fat) {
    fat = new FatEntries(volume);
    tables.set(volume, fat);
  }
  return fat;
}

/** The byte ranges (within the volume) holding a file's data, contiguous clusters merged. */
export async function fatFileExtents(volume: FatVolume, entry: FatEntry): Promise<Extent[]> {
  if (entry.size === 0) return [];
  const fat = entriesOf(volume);
  const { bytesPerCluster, dataStart, clusterCount } = volume.geometry;
  const extents: { start: number; length: number }[] = [];
  let remaining = entry.size;
  let cluster = entry.firstCluster;
  let steps = 0;
  while (remaining > 0) {
    // The chain is followed synchronously inside one loaded FAT window (a million clusters of a
    // 4 GiB overlay would otherwise cost a million awaits); a cluster whose entry lies in another
    // window ends the inner loop and that window is loaded.
    const window = await fat.windowOf(cluster);
    for (;;) {
      if (cluster < 2 || cluster > clusterCount + 1) throw new FilesystemError('FAT', `${entry.path}: cluster ${cluster} is outside the volume`);
      if ((steps += 1) > clusterCount) throw new FilesystemError('FAT', `${entry.path}: the cluster chain loops`);
      const start = dataStart + (cluster - 2) * bytesPerCluster;
      const length = Math.min(bytesPerCluster, remaining);
      const last = extents[extents.length - 1];
      if (last && last.start + last.length === start) last.length += length;
      else extents.push({ start, length });
      remaining -= length;
      if (remaining <= 0) break;
      const next = fat.entryIn(window, cluster) ?? (await fat.entry(cluster));
      if (fat.isEnd(next)) throw new FilesystemError('FAT', `${entry.path} is ${entry.size} bytes but its cluster chain ends early`);
      if (fat.isBad(next)) throw new FilesystemError('FAT', `${entry.path}: the cluster chain runs into a bad cluster`);
      cluster = next;
      if (!fat.holds(window, cluster)) break;
    }
  }
  return extents;
}

export async function openFatFile(volume: FatVolume, entry: FatEntry) {
  return new ExtentByteSource(volume.source, await fatFileExtents(volume, entry));
}

/** Free clusters counted in the first FAT (the FSInfo hint can be stale after an unclean unmount). */
export async function countFreeClusters(volume: FatVolume): Promise<number> {
  const fat = entriesOf(volume);
  const { clusterCount } = volume.geometry;
  if (volume.type === 'FAT12') {
    let free = 0;
    for (let cluster = 2; cluster < clusterCount + 2; cluster += 1) if ((await fat.entry(cluster)) === 0) free += 1;
    return free;
  }
  const entryBytes = volume.geometry.type === 'FAT32' ? 4 : 2;
  let free = 0;
  const lastByte = (clusterCount + 2) * entryBytes;
  for (let window = 0; window * WINDOW_BYTES < lastByte; window += 1) {
    const bytes = await fat.window(window);
    const first = Math.max(2 * entryBytes, window * WINDOW_BYTES);
    const end = Math.min(lastByte, window * WINDOW_BYTES + bytes.length);
    for (let at = first; at < end; at += entryBytes) {
      const local = at - window * WINDOW_BYTES;
      const value = entryBytes === 4 ? bytes.readUInt32LE(local) & 0x0fffffff : bytes.readUInt16LE(local);
      if (value === 0) free += 1;
    }
  }
  return free;
}
