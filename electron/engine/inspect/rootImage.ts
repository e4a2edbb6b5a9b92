// A look inside the live root image without mounting it: what filesystem it is and what lies at
// its root, which decides between the nested (LiveOS/rootfs.img inside) and flat layouts.
import type { RootImage } from '../../../shared/contract/isoReport';
import { ErofsImage } from '../fs/erofs/erofsImage';
import { probeFilesystem } from '../fs/probeFilesystem';
import { SquashfsImage } from '../fs/squashfs/squashfsImage';
import type { IsoEntry, IsoFileSystem } from '../iso/isoFileSystem';
import { describePeekFailure } from './peekFailure';

export interface RootImagePeek {
  readonly rootImage: RootImage;
  readonly notes: string[];
}

const TOP_LEVEL_SHOWN = 24;
/** dracut: a squashfs holding /proc (dracut-ng ≥ 106: /usr or /ostree) at its root is flat. */
const FLAT_MARKERS = ['usr', 'proc', 'ostree', 'etc'];
/** dracut dmsquash-live-root.sh: the base filesystem inside squashfs.img. */
const NESTED_IMAGES = ['rootfs.img', 'ext3fs.img'];

interface Listing {
  readonly names: string[];
  /** Names inside /LiveOS when the image has such a directory. */
  readonly liveOs: string[] | null;
}

export async function peekRootImage(fs: IsoFileSystem, entry: IsoEntry): Promise<RootImagePeek> {
  const base = { path: entry.path, size: entry.size };
  const source = fs.openFile(entry);
  const format = source.size > 0 ? await probeFilesystem(source) : 'unknown';
  if (format === 'fat') return { rootImage: { ...base, format: 'unknown', compression: null, contents: 'unknown', topLevel: [] }, notes: [] };
  if (format !== 'squashfs' && format !== 'erofs') {
    return { rootImage: { ...base, format, compression: null, contents: 'unknown', topLevel: [] }, notes: [] };
  }
  let compression: string | null = null;
  try {
    let listing: Listing;
    if (format === 'squashfs') {
      const image = await SquashfsImage.open(source);
      compression = image.superblock.compression;
      const root = await image.listRoot();
      const liveOs = root.find((item) => item.name === 'LiveOS' && item.kind === 'directory');
      listing = {
        names: root.map((item) => item.name),
        liveOs: liveOs ? (await image.listDirectory(liveOs.inode)).map((item) => item.name) : null,
      };
    } else {
      const image = await ErofsImage.open(source);
      const root = await image.listRoot();
      const liveOs = root.find((item) => item.name === 'LiveOS' && item.kind === 'directory');
      listing = {
        names: root.map((item) => item.name),
        liveOs: liveOs ? (await image.listDirectory(liveOs.nid)).map((item) => item.name) : null,
      };
    }
    const nested = listing.liveOs?.some((name) => NESTED_IMAGES.includes(name)) ?? false;
    const flat = listing.names.some((name) => FLAT_MARKERS.includes(name));
    return {
      rootImage: {
        ...base,
        format,
        compression,
        contents: nested ? 'nested-rootfs' : flat ? 'flat' : 'unknown',
        topLevel: listing.names.slice(0, TOP_LEVEL_SHOWN),
      },
      notes: [],
    };
  } catch (error) {
    return {
      rootImage: { ...base, format, compression, contents: 'unknown', topLevel: [] },
      notes: [describePeekFailure(`The root image ${entry.path}`, error)],
    };
  }
}
