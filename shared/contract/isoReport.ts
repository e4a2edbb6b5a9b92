// What `inspect` finds in an ISO: the one shape the CLI prints (--json), the GUI shows and
// the planner consumes. Schema first; the TypeScript types are inferred from it.
import { z } from 'zod';

export const LiveFamily = z.enum([
  'dracut-liveos', // Fedora & co.: /LiveOS/squashfs.img, root=live:CDLABEL=…
  'debian-live', // live-boot: /live/filesystem.squashfs, boot=live
  'ubuntu-casper', // casper: /casper/*.squashfs, boot=casper
  'arch-archiso', // archiso: /arch/<arch>/airootfs.{sfs,erofs}, archisobasedir=
  'raw-only', // hybrid image with no known live layout: can only be written byte for byte
  'unknown', // neither a known live layout nor hybrid-bootable
]);
export type LiveFamily = z.infer<typeof LiveFamily>;

export const PersistenceKind = z.enum([
  'dm-snapshot', // dracut: overlay-<LABEL>-<UUID> file used as a persistent exception store
  'overlayfs', // dracut: overlay-<LABEL>-<UUID> directory (+ovlwork) or embedded-fs image
  'debian-persistence', // live-boot: "persistence" volume with persistence.conf
  'casper-rw', // casper: "writable"/"casper-rw" volume
  'archiso-cow', // archiso: cow_label / cow_directory
]);
export type PersistenceKind = z.infer<typeof PersistenceKind>;

export const FileRef = z.object({
  path: z.string(), // absolute path inside the ISO, e.g. "/LiveOS/squashfs.img"
  size: z.number().int().nonnegative(),
});
export type FileRef = z.infer<typeof FileRef>;

export const RootImage = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  /** What the image file itself is (from its magic). */
  format: z.enum(['squashfs', 'erofs', 'ext4', 'unknown']),
  /** squashfs compressor, e.g. "xz", "zstd", "gzip"; null when not squashfs. */
  compression: z.string().nullable(),
  /**
   * nested: the image holds LiveOS/rootfs.img (classic Fedora; dm-snapshot or OverlayFS);
   * flat: the root filesystem is directly in the image (/usr at its root; OverlayFS only);
   * unknown: could not be read (unsupported compressor, damaged).
   */
  contents: z.enum(['nested-rootfs', 'flat', 'unknown']),
  /** Names at the root of the image (first few), the evidence for `contents`. */
  topLevel: z.array(z.string()),
});
export type RootImage = z.infer<typeof RootImage>;

export const Layout = z.object({
  family: LiveFamily,
  /** How the media were built where it shows: "lorax", "kiwi", "livecd-creator", "live-build", … */
  variant: z.string().nullable(),
  /** The live directory on the ISO: "LiveOS", "live", "casper", "arch". Null for raw-only. */
  liveDir: z.string().nullable(),
  rootImage: RootImage.nullable(),
  kernel: FileRef.nullable(),
  initrd: FileRef.nullable(),
  /** Persistence kinds this image can use, best first; empty when none. */
  persistence: z.array(PersistenceKind),
  /** Plain sentences a person reads: why this family, why only OverlayFS, … */
  notes: z.array(z.string()),
});
export type Layout = z.infer<typeof Layout>;

export const BootEntry = z.object({
  title: z.string(),
  kernel: z.string().nullable(),
  initrd: z.array(z.string()),
  cmdline: z.string(),
  isDefault: z.boolean(),
});
export type BootEntry = z.infer<typeof BootEntry>;

export const BootConfig = z.object({
  /** Path in the ISO; for files inside the EFI image, "<efi image path>::/EFI/BOOT/grub.cfg". */
  path: z.string(),
  kind: z.enum(['isolinux', 'syslinux', 'grub', 'efi-image']),
  firmware: z.enum(['bios', 'uefi', 'both']),
  entries: z.array(BootEntry),
  /** For an efi-image: the files it holds (e.g. "/EFI/BOOT/BOOTX64.EFI"). */
  files: z.array(FileRef),
});
export type BootConfig = z.infer<typeof BootConfig>;

export const ElToritoEntry = z.object({
  platform: z.enum(['bios', 'efi', 'ppc', 'mac', 'other']),
  platformId: z.number().int(),
  bootable: z.boolean(),
  emulation: z.enum(['none', 'floppy-1.2', 'floppy-1.44', 'floppy-2.88', 'hard-disk']),
  loadSegment: z.number().int(),
  sectorCount: z.number().int(),
  /** Start of the boot image, in 2048-byte blocks. */
  lba: z.number().int(),
  /** The file in the tree at that block, if any (e.g. "/images/efiboot.img"). */
  path: z.string().nullable(),
  /** Size in bytes: the file's size when known, else sectorCount × 512. */
  size: z.number().int().nonnegative(),
});
export type ElToritoEntry = z.infer<typeof ElToritoEntry>;

export const PartitionEntry = z.object({
  scheme: z.enum(['mbr', 'gpt']),
  index: z.number().int().positive(),
  /** MBR: "0x17"; GPT: the type GUID in lower case. */
  type: z.string(),
  /** "EFI System", "Microsoft basic data", "Empty", … when known. */
  typeName: z.string().nullable(),
  start: z.number().int().nonnegative(), // bytes
  size: z.number().int().nonnegative(), // bytes
  bootable: z.boolean(),
  name: z.string().nullable(), // GPT partition name
});
export type PartitionEntry = z.infer<typeof PartitionEntry>;

export const EfiFilesystem = z.enum(['vfat', 'ext4', 'f2fs', 'iso9660', 'btrfs', 'xfs', 'exfat']);
export type EfiFilesystem = z.infer<typeof EfiFilesystem>;

export const EfiLoader = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  /** shim (Secure Boot first stage, loads grubx64.efi beside it), GRUB, or something else. */
  kind: z.enum(['shim', 'grub', 'other']),
  /** Filesystems a GRUB loader has built in (found by its modules' messages, as livecd-iso-to-disk does). */
  filesystems: z.array(EfiFilesystem),
});
export type EfiLoader = z.infer<typeof EfiLoader>;

export const IsoReport = z.object({
  path: z.string(),
  fileSize: z.number().int().nonnegative(),
  volume: z.object({
    label: z.string(),
    systemId: z.string(),
    publisher: z.string(),
    applicationId: z.string(),
    /** ISO 8601, or null when the descriptor leaves it blank. */
    created: z.string().nullable(),
    blockSize: z.number().int().positive(),
    /** Volume space size × block size: what the image says its length is. */
    size: z.number().int().nonnegative(),
  }),
  extensions: z.object({
    joliet: z.boolean(),
    rockRidge: z.boolean(),
    elTorito: z.boolean(),
  }),
  hybrid: z.object({
    mbr: z.boolean(),
    gpt: z.boolean(),
    partitions: z.array(PartitionEntry),
  }),
  elTorito: z.array(ElToritoEntry),
  layout: Layout,
  bootConfigs: z.array(BootConfig),
  files: z.object({
    count: z.number().int().nonnegative(),
    directories: z.number().int().nonnegative(),
    totalBytes: z.number().int().nonnegative(),
    largest: FileRef.nullable(),
    /** Every regular file with its size, in tree order: what a writer plans its copy from. */
    entries: z.array(FileRef),
  }),
  /** The UEFI loaders in /EFI/BOOT of the ISO tree and what the GRUB among them can read. */
  efiLoaders: z.array(EfiLoader),
  stats: z.object({
    /** Bytes read from the image to produce this report: metadata only, never the whole image. */
    bytesRead: z.number().int().nonnegative(),
    elapsedMs: z.number().nonnegative(),
  }),
});
export type IsoReport = z.infer<typeof IsoReport>;
