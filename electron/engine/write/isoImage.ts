// The ISO as the writer sees it: the inspect report (what the planner needs), lookups, small
// config files, and big files streamed straight from their extents in large sequential reads,
// with the next read already under way while the previous chunk is being written.
import type { IsoReport } from '../../../shared/contract/isoReport';
import { StickwrightError } from '../../../shared/errors';
import { CachedByteSource } from '../io/cachedByteSource';
import { openFileByteSource, type FileByteSource } from '../io/fileByteSource';
import { checkRootImage } from '../inspect/checkRootImage';
import { inspectByteSource } from '../inspect/inspectIso';
import { IsoFileSystem, type IsoEntry } from '../iso/isoFileSystem';

export const COPY_CHUNK = 4 * 2 ** 20;

export class IsoImage {
  private constructor(
    private readonly file: FileByteSource,
    private readonly fs: IsoFileSystem,
    readonly report: IsoReport,
  ) {}

  static async open(path: string, signal?: AbortSignal): Promise<IsoImage> {
    const file = await openFileByteSource(path);
    try {
      const report = await inspectByteSource(file, path, { signal });
      const fs = await IsoFileSystem.open(new CachedByteSource(file));
      // A damaged or cut-short root image is refused now, before the target is touched.
      const rootImage = report.layout?.rootImage;
      const rootEntry = rootImage ? await fs.lookup(rootImage.path) : null;
      if (rootImage && rootEntry?.kind === 'file') await checkRootImage(rootImage.path, fs.openFile(rootEntry));
      return new IsoImage(file, fs, report);
    } catch (error) {
      await file.close().catch(() => undefined);
      throw error;
    }
  }

  get path(): string {
    return this.file.path;
  }

  async entry(isoPath: string): Promise<IsoEntry> {
    const entry = (await this.fs.lookup(isoPath)) ?? (await this.fs.lookup(isoPath, { caseInsensitive: true }));
    if (!entry || entry.kind !== 'file') throw new StickwrightError('SOURCE_CORRUPT', `${isoPath} is missing from the image`, { path: isoPath });
    return entry;
  }

  async readText(isoPath: string): Promise<string> {
    return (await this.fs.readFile(await this.entry(isoPath), 1024 * 1024)).toString('utf8');
  }

  /** The file's bytes in chunks of `chunk`, reading ahead by one chunk. */
  async *stream(isoPath: string, chunk = COPY_CHUNK, signal?: AbortSignal): AsyncGenerator<Buffer> {
    const data = this.fs.openFile(await this.entry(isoPath));
    let offset = 0;
    let next: Promise<Buffer> | null = data.size > 0 ? data.read(0, Math.min(chunk, data.size)) : null;
    try {
      while (next) {
        const current = await next;
        offset += current.length;
        if (signal?.aborted) throw new StickwrightError('CANCELLED', `while copying ${isoPath}`);
        next = offset < data.size ? data.read(offset, Math.min(chunk, data.size - offset)) : null;
        yield current;
      }
    } finally {
      // A consumer that stops early must not leave the read-ahead to reject unobserved.
      next?.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }
}
