// The renderer ↔ main API, declared once. The preload bridge, the main-process handlers and the
// test harness are all derived from this object, so a method cannot exist on one side only.
import { z } from 'zod';
import { IsoReport } from './isoReport';
import { Drive, DevicePath, ListDrivesOptions } from './drive';
import { JobId, WriteRequest } from './writeRequest';
import { UsageReport } from '../usage/usageReport';
import { LiveDir } from './liveDir';
import { AddImageRequest, ImageChangeResult, RemoveImageRequest, StickImageList } from './multiImage';
import { RawWriteRequest, RestoreRequest } from './rawRequest';
import type { Result } from './result';

/** Paths come from a file picker or a drop; bound them so a hostile page cannot send megabytes. */
const IsoPath = z.string().min(1).max(4096).refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'NUL or a control character in path');

export const AppInfo = z.object({
  version: z.string(),
  platform: z.enum(['linux', 'darwin', 'win32', 'other']),
  /** What this OS build can do today; the UI says so plainly. */
  capabilities: z.object({
    inspect: z.boolean(),
    write: z.boolean(),
    usage: z.boolean(),
    multiImage: z.boolean(),
    rawWrite: z.boolean(),
    restore: z.boolean(),
  }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const apiContract = {
  /** Version, platform and what this platform supports. */
  appInfo: { args: z.tuple([]), result: AppInfo },
  /** Read an ISO's metadata (never mounts, never writes). */
  inspectIso: { args: z.tuple([IsoPath]), result: IsoReport },
  /** Open the OS file picker for an ISO; null when the user cancels. */
  chooseIso: { args: z.tuple([]), result: z.string().nullable() },
  /** The drives a stick can be written to (system drives only with showAll). */
  listDrives: { args: z.tuple([ListDrivesOptions]), result: z.array(Drive) },
  /** Start the elevated worker on a write; its events then arrive through onJobEvent. */
  startWrite: { args: z.tuple([WriteRequest]), result: z.object({ jobId: JobId }) },
  /** Ask the running job to stop at its next safe point; false when no such job runs. */
  cancelJob: { args: z.tuple([JobId]), result: z.boolean() },
  /** How full each live image's overlay and home are on a written stick (read by the worker). */
  readUsage: { args: z.tuple([DevicePath]), result: UsageReport },
  /** Reset a live image's overlay (system changes discarded, home kept); the new report. */
  resetOverlay: { args: z.tuple([DevicePath, LiveDir]), result: UsageReport },
  /** Grow a live image's dm-snapshot overlay to the given bytes (changes kept); the new report. */
  growOverlay: { args: z.tuple([DevicePath, LiveDir, z.number().int().positive().max(2 ** 46)]), result: UsageReport },
  /** The live images on a written stick, in boot menu order, with its usage report (read by the worker). */
  listStickImages: { args: z.tuple([DevicePath]), result: StickImageList },
  /** Start adding a live image to a written stick; its events then arrive through onJobEvent. */
  startAddImage: { args: z.tuple([AddImageRequest]), result: z.object({ jobId: JobId }) },
  /** Remove a live image (with its overlay and home) from a stick with several; the stick afterwards. */
  removeImage: { args: z.tuple([RemoveImageRequest]), result: ImageChangeResult },
  /** Start writing an image byte for byte (raw mode, read back after); events through onJobEvent. */
  startRawWrite: { args: z.tuple([RawWriteRequest]), result: z.object({ jobId: JobId }) },
  /** Start turning a stick back into a plain FAT32/exFAT drive; events through onJobEvent. */
  startRestore: { args: z.tuple([RestoreRequest]), result: z.object({ jobId: JobId }) },
  /** Flush and power off a written drive so it can be unplugged; says what it did. */
  ejectDrive: { args: z.tuple([DevicePath]), result: z.object({ ejected: z.boolean(), message: z.string() }) },
} as const;

export type ApiContract = typeof apiContract;
export type ApiMethod = keyof ApiContract;
export const API_METHODS = Object.keys(apiContract) as ApiMethod[];

export { CHANNEL_PREFIX, channelOf } from './apiMethods';

export type ApiArgs<M extends ApiMethod> = z.infer<ApiContract[M]['args']>;
export type ApiValue<M extends ApiMethod> = z.infer<ApiContract[M]['result']>;

/** What `window.stickwright` offers the renderer: every contract method, returning a Result. */
export type StickwrightApi = {
  readonly [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<Result<ApiValue<M>>>;
};

/** Main → renderer: every event of a running job (WorkerEvent), on this one channel. */
export { JOB_EVENT_CHANNEL } from './apiMethods';
