// What `stickwright usage` reports about a written stick: for each live image its overlay (how
// full, in the kernel's own figures), its home, and the stick's free space; warnings with what to
// do. Read offline from the stick's metadata; the GUI's usage view shows the same report.
import { z } from 'zod';

const bytes = z.number().int().nonnegative();
const sectors = z.number().int().nonnegative();
/** 0–100, one decimal, rounded down (a store shows 100 % only when it is full). */
const percent = z.number().min(0).max(100);

export const OverlayState = z.enum([
  /** Never activated: the first chunk reads as zeros. */
  'fresh',
  'in-use',
  /** No room for one more changed block: the live system's writes fail (the kernel says Overflow). */
  'overflowed',
  /** The kernel marked it invalid (or cannot load it): its changes are lost; reset it. */
  'invalid',
  /** A store version or chunk size the kernel refuses, or a filesystem we cannot read. */
  'unsupported',
  /** A regular file that is neither a dm-snapshot store nor an OverlayFS image. */
  'not-an-overlay',
]);
export type OverlayState = z.infer<typeof OverlayState>;

export const DmSnapshotOverlay = z.object({
  kind: z.literal('dm-snapshot'),
  /** Path on the live filesystem, e.g. "/LiveOS/overlay-LIVE-1234-ABCD". */
  path: z.string(),
  fileBytes: bytes,
  state: OverlayState,
  /** Exactly what `dmsetup status live-rw` prints after the target's name, e.g. "16/524288 16", or "Invalid". */
  kernelStatus: z.string().nullable(),
  chunkSectors: sectors,
  /** The kernel's figures, in 512-byte sectors: allocated includes the header and metadata chunks. */
  allocatedSectors: sectors,
  totalSectors: sectors,
  metadataSectors: sectors,
  allocatedBytes: bytes,
  totalBytes: bytes,
  metadataBytes: bytes,
  /** Changed blocks stored (one chunk each). */
  exceptions: z.number().int().nonnegative(),
  percent,
  note: z.string().nullable(),
});
export type DmSnapshotOverlay = z.infer<typeof DmSnapshotOverlay>;

export const OverlayFsImageOverlay = z.object({
  kind: z.literal('overlayfs-image'),
  path: z.string(),
  fileBytes: bytes,
  state: OverlayState,
  fs: z.string(),
  /** The embedded filesystem's size as df shows it (without its own metadata and journal), used and free bytes. */
  capacityBytes: bytes,
  usedBytes: bytes,
  freeBytes: bytes,
  percent,
  note: z.string().nullable(),
});
export type OverlayFsImageOverlay = z.infer<typeof OverlayFsImageOverlay>;

export const OverlayFsDirOverlay = z.object({
  kind: z.literal('overlayfs-dir'),
  path: z.string(),
  workPath: z.string(),
  state: OverlayState,
  /** Bytes allocated to everything under the upper directory; null when it was too big to walk. */
  usedBytes: bytes.nullable(),
  entries: z.number().int().nonnegative().nullable(),
  /** It grows into the live filesystem's free space. */
  availableBytes: bytes,
  /** used / (used + available); null when used is unknown. */
  percent: percent.nullable(),
  note: z.string().nullable(),
});
export type OverlayFsDirOverlay = z.infer<typeof OverlayFsDirOverlay>;

export const UnsupportedOverlay = z.object({
  kind: z.literal('unsupported'),
  path: z.string(),
  state: z.literal('unsupported'),
  note: z.string(),
});
export type UnsupportedOverlay = z.infer<typeof UnsupportedOverlay>;

export const OverlayUsage = z.discriminatedUnion('kind', [DmSnapshotOverlay, OverlayFsImageOverlay, OverlayFsDirOverlay, UnsupportedOverlay]);
export type OverlayUsage = z.infer<typeof OverlayUsage>;

export const HomeUsage = z.object({
  path: z.string(),
  fileBytes: bytes,
  encrypted: z.boolean(),
  /** "ext4", "luks1", "luks2", or "unknown". */
  fs: z.string(),
  label: z.string().nullable(),
  /** As df shows them (size without the filesystem's own metadata); null for an encrypted home. */
  capacityBytes: bytes.nullable(),
  usedBytes: bytes.nullable(),
  freeBytes: bytes.nullable(),
  percent: percent.nullable(),
  note: z.string().nullable(),
});
export type HomeUsage = z.infer<typeof HomeUsage>;

export const ImageUsage = z.object({
  /** The live directory, e.g. "LiveOS" (rd.live.dir). */
  dir: z.string(),
  /** Title of the first boot menu entry that starts this image, if the stick's menus name one. */
  bootLabel: z.string().nullable(),
  /** Every boot menu title that starts this image (BIOS and UEFI menus, de-duplicated). */
  bootEntries: z.array(z.string()),
  /** The root image (squashfs.img / rootfs.img) and its size. */
  rootImage: z.object({ path: z.string(), bytes }).nullable(),
  /** Null when the image has no persistent overlay. */
  overlay: OverlayUsage.nullable(),
  /** overlay-* files or directories whose name does not match this filesystem's label and UUID: dracut ignores them. */
  strayOverlays: z.array(z.string()),
  home: HomeUsage.nullable(),
});
export type ImageUsage = z.infer<typeof ImageUsage>;

export const LiveFilesystemUsage = z.object({
  /** 1-based partition number, or null for a filesystem on the whole device. */
  partition: z.number().int().positive().nullable(),
  /** Byte offset and size of the filesystem on the stick. */
  start: bytes,
  size: bytes,
  fs: z.enum(['vfat', 'ext4', 'f2fs']),
  label: z.string().nullable(),
  uuid: z.string().nullable(),
  /** As df shows them: the size without the filesystem's own metadata, free, and the rest used. */
  capacityBytes: bytes,
  freeBytes: bytes,
  usedBytes: bytes,
  percent,
});
export type LiveFilesystemUsage = z.infer<typeof LiveFilesystemUsage>;

export const StickPartition = z.object({
  index: z.number().int().positive(),
  scheme: z.enum(['mbr', 'gpt']),
  type: z.string(),
  typeName: z.string().nullable(),
  start: bytes,
  size: bytes,
  /** What its first blocks say it holds. */
  fs: z.enum(['vfat', 'ext4', 'f2fs', 'luks', 'other']),
  label: z.string().nullable(),
});
export type StickPartition = z.infer<typeof StickPartition>;

export const UsageWarning = z.object({
  /** `warning` from 80 %, `critical` from 95 % and for overlays that are invalid or full. */
  severity: z.enum(['warning', 'critical']),
  /** The threshold crossed (80 or 95), or null for a state (invalid) rather than a level. */
  threshold: z.union([z.literal(80), z.literal(95)]).nullable(),
  subject: z.enum(['overlay', 'home', 'live-filesystem']),
  /** The live directory concerned, or null for the stick's filesystem. */
  dir: z.string().nullable(),
  percent: percent.nullable(),
  message: z.string(),
  /** What to do about it. */
  action: z.string(),
});
export type UsageWarning = z.infer<typeof UsageWarning>;

export const UsageReport = z.object({
  /** 'offline': read from the stick's bytes; 'live': run on a system booted from this stick, the
   *  running image's figures are the kernel's own (dmsetup status, statfs). */
  source: z.enum(['offline', 'live']).default('offline'),
  stick: z.object({
    path: z.string(),
    size: bytes,
    kind: z.enum(['image-file', 'block-device']),
    partitionTable: z.enum(['mbr', 'gpt', 'none']),
    partitions: z.array(StickPartition),
  }),
  live: LiveFilesystemUsage,
  images: z.array(ImageUsage),
  warnings: z.array(UsageWarning),
  /** Sentences for the person: what could not be read, and why. */
  notes: z.array(z.string()),
  stats: z.object({ bytesRead: bytes, elapsedMs: z.number().nonnegative() }),
});
export type UsageReport = z.infer<typeof UsageReport>;
