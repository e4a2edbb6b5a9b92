// A drive as the app shows it. Listed by main (drivelist's lsblk reader on Linux), checked again
// by the worker before it writes: this is a description for a person, never a permission.
import { z } from 'zod';

export const DevicePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') && !p.includes('\0') && !p.split('/').includes('..'), 'an absolute path without .. or NUL');

export const Drive = z.object({
  /** /dev/sdb; in development builds also a loop device or a disk image file. */
  device: DevicePath,
  /** Vendor and model, or what the device is ("Loop device", "Disk image file"). */
  description: z.string().max(512),
  size: z.number().int().nonnegative(),
  /** Holds the running system (root, boot, swap…): hidden unless the user asks for all drives. */
  isSystem: z.boolean(),
  isRemovable: z.boolean(),
  /** USB, SATA, NVME, … as the OS reports it; "UNKNOWN" when it does not say. */
  busType: z.string().max(32),
  /** Mounted partitions, named so the user knows what will be unmounted and erased. */
  mountpoints: z.array(z.string().max(4096)).max(64),
  /** Present only because STICKWRIGHT_DEV_DRIVES named it (never in a packaged build). */
  isDevelopment: z.boolean(),
});
export type Drive = z.infer<typeof Drive>;

export const ListDrivesOptions = z.strictObject({
  /** Include system drives (the UI asks for a danger confirmation first). */
  showAll: z.boolean(),
});
export type ListDrivesOptions = z.infer<typeof ListDrivesOptions>;
