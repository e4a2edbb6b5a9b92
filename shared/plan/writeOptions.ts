// What a person chooses for a persistent stick. One schema for the CLI, the IPC call, the
// worker's job and the planner, so a value means the same thing everywhere.
import { z } from 'zod';

export const StickFilesystem = z.enum(['ext4', 'f2fs', 'vfat']);
export type StickFilesystem = z.infer<typeof StickFilesystem>;

/** `auto` picks dm-snapshot where the image allows it (livecd-iso-to-disk's default) and OverlayFS where it must. */
export const OverlayKindChoice = z.enum(['auto', 'dm-snapshot', 'overlayfs']);
export type OverlayKindChoice = z.infer<typeof OverlayKindChoice>;

const TiB = 2 ** 40;
const Bytes = z.number().int().nonnegative().max(64 * TiB);

export const WriteOptions = z.strictObject({
  fs: StickFilesystem.default('ext4'),
  /** Bytes for the system overlay; 0 = no persistence (changes are lost at power-off). */
  overlaySize: Bytes,
  overlayKind: OverlayKindChoice.default('auto'),
  /** Bytes for LiveOS/home.img; 0 = no separate home. */
  homeSize: Bytes.default(0),
  encryptHome: z.boolean().default(false),
  /** Filesystem label of the live partition (livecd-iso-to-disk's default is LIVE). */
  label: z
    .string()
    .max(64)
    .refine((label) => !/[\u0000-\u001f\u007f]/.test(label), 'no control characters in a label')
    .default('LIVE'),
});
export type WriteOptions = z.infer<typeof WriteOptions>;
export type WriteOptionsInput = z.input<typeof WriteOptions>;

/**
 * Identities the planner must not invent (it is pure): the caller draws them at random once and
 * keeps them for the whole write, so the plan, the filesystems and the boot lines agree.
 */
export const StickIds = z.strictObject({
  /** ext4/F2FS filesystem UUID of the live partition, lower-case canonical form. */
  fsUuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  /** 32-bit FAT volume serial numbers (live partition when vfat, and the ESP), as 8 hex digits. */
  liveVolumeId: z.string().regex(/^[0-9A-F]{8}$/),
  espVolumeId: z.string().regex(/^[0-9A-F]{8}$/),
  /** MBR disk signature, 8 hex digits. */
  diskSignature: z.string().regex(/^[0-9A-F]{8}$/),
  /** UUID of the ext4 filesystem inside home.img. */
  homeUuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
});
export type StickIds = z.infer<typeof StickIds>;
