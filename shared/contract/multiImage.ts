// Several live images on one stick, as the app asks for them and the worker answers: the images
// of a stick with their names, an add (started like a write, with progress on the job channel)
// and a remove. Main builds the worker's jobs (job.ts) from these for drives it listed.
import { z } from 'zod';
import { UsageReport } from '../usage/usageReport';
import { DevicePath } from './drive';
import { LiveDir } from './liveDir';

const Bytes = z.number().int().nonnegative().max(2 ** 46);

/** A boot menu title a person may give the new image: one line, no control characters. */
export const ImageName = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name) && name.trim() === name, 'one line, no leading or trailing spaces');

export const StickImageEntry = z.object({
  /** The image's directory on the live filesystem (rd.live.dir). */
  dir: z.string(),
  /** Its boot menu title; null when neither its metadata nor a menu entry names it. */
  name: z.string().nullable(),
  /** First in the menu: what the stick boots when nobody chooses. */
  isDefault: z.boolean(),
  /** Where the name came from: stickwright-image.json, the stick's boot menus, or nowhere. */
  metaSource: z.enum(['file', 'menu', 'none']),
});
export type StickImageEntry = z.infer<typeof StickImageEntry>;

/** A stick's images in boot menu order with its usage report (sizes, overlay use, free space). */
export const StickImageList = z.object({
  images: z.array(StickImageEntry),
  report: UsageReport,
});
export type StickImageList = z.infer<typeof StickImageList>;

/** What the renderer asks main to add; the worker checks everything again before the first change. */
export const AddImageRequest = z.strictObject({
  isoPath: z.string().min(1).max(4096).refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'NUL or a control character in path'),
  device: DevicePath,
  /** The size the stick had when chosen: another size is another stick (TARGET_CHANGED). */
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  overlaySize: Bytes,
  homeSize: Bytes,
  /** The menu title; the ISO's own when absent. */
  name: ImageName.optional(),
});
export type AddImageRequest = z.infer<typeof AddImageRequest>;

/** What the renderer asks main to remove. */
export const RemoveImageRequest = z.strictObject({
  device: DevicePath,
  expectedSize: z.number().int().positive().max(2 ** 53 - 1),
  /** The image's directory, as the list named it. */
  dir: LiveDir,
  /** The live filesystem's UUID the list showed: a swapped stick of the same size is refused. */
  liveUuid: z.string().max(64).nullable(),
});
export type RemoveImageRequest = z.infer<typeof RemoveImageRequest>;

/** The `result` of an add job, and the answer to a remove: what changed, and the stick afterwards. */
export const ImageChangeResult = z.object({
  dir: z.string(),
  name: z.string(),
  freeBefore: Bytes,
  freeAfter: Bytes,
  list: StickImageList,
});
export type ImageChangeResult = z.infer<typeof ImageChangeResult>;
