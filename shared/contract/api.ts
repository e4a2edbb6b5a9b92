// The renderer ↔ main API, declared once. The preload bridge, the main-process handlers and the
// test harness are all derived from this object, so a method cannot exist on one side only.
import { z } from 'zod';
import { IsoReport } from './isoReport';
import type { Result } from './result';

/** Paths come from a file picker or a drop; bound them so a hostile page cannot send megabytes. */
const IsoPath = z.string().min(1).max(4096);

export const AppInfo = z.object({
  version: z.string(),
  platform: z.enum(['linux', 'darwin', 'win32', 'other']),
  /** What this OS build can do today; the UI says so plainly. */
  capabilities: z.object({
    inspect: z.boolean(),
    write: z.boolean(),
    usage: z.boolean(),
    multiImage: z.boolean(),
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
