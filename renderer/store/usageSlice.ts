// The "Stick health" view: which screen shows (the wizard or the health view), the sticks it can
// check, the chosen one and what `readUsage` reported about it. A newer check wins over an older
// one still running; a report always names the device it belongs to.
import type { StateCreator } from 'zustand';
import type { Drive } from '../../shared/contract/drive';
import { toErrorPayload, type ErrorPayload } from '../../shared/errors';
import type { Result } from '../../shared/contract/result';
import { formatBytes } from '../../shared/units';
import type { UsageReport } from '../../shared/usage/usageReport';
import { bridge } from '../lib/api';
import type { AppState } from './index';

/** The writer wizard, Stick health, the images on a stick (multiSlice.ts), or restoring a stick (restoreSlice.ts). */
export type AppView = 'wizard' | 'health' | 'multi' | 'restore';

/** Reset (changes discarded, home kept) or grow (changes kept) a live image's overlay. */
export type MaintainKind = 'reset' | 'grow';
export interface MaintainTarget {
  readonly kind: MaintainKind;
  readonly device: string;
  readonly dir: string;
}

export interface UsageSlice {
  readonly view: AppView;
  /** The drives the health view offers (system drives never). */
  readonly healthDrives: readonly Drive[];
  readonly healthDrivesLoaded: boolean;
  readonly healthDrivesError: ErrorPayload | null;
  /** The chosen drive's device path. */
  readonly healthDevice: string | null;
  /** True while the worker reads the stick. */
  readonly usageLoading: boolean;
  /** The last report, for `usageDevice`. */
  readonly usageReport: UsageReport | null;
  readonly usageError: ErrorPayload | null;
  /** The device the report or the error is about. */
  readonly usageDevice: string | null;
  /** A reset or grow the worker is running (one at a time). */
  readonly maintaining: MaintainTarget | null;
  /** How the last one ended: a sentence on success, or the error. */
  readonly maintainOutcome: (MaintainTarget & ({ readonly ok: true; readonly message: string } | { readonly ok: false; readonly error: ErrorPayload })) | null;
  /** Show the health view; with a device (e.g. from Done) that drive is chosen and checked at once. */
  openHealth: (device?: string) => void;
  /** Back to the wizard, where it was. */
  closeHealth: () => void;
  refreshHealthDrives: () => Promise<void>;
  chooseHealthDrive: (device: string | null) => void;
  /** Read the chosen drive's usage (through the worker). */
  checkUsage: () => Promise<void>;
  /** Reset the overlay of `dir` on the drive the report is about; the report is replaced by the new one. */
  resetOverlay: (dir: string) => Promise<void>;
  /** Grow the overlay of `dir` to `size` bytes; the report is replaced by the new one. */
  growOverlay: (dir: string, size: number) => Promise<void>;
}

/** Each check gets a number; only the newest may store its answer. */
let checkCounter = 0;
let listCounter = 0;

export const createUsageSlice: StateCreator<AppState, [], [], UsageSlice> = (set, get) => ({
  view: 'wizard',
  healthDrives: [],
  healthDrivesLoaded: false,
  healthDrivesError: null,
  healthDevice: null,
  usageLoading: false,
  usageReport: null,
  usageError: null,
  usageDevice: null,
  maintaining: null,
  maintainOutcome: null,

  openHealth: (device) => {
    set({ view: 'health' });
    if (device) {
      set({ healthDevice: device });
      void get()
        .refreshHealthDrives()
        .then(() => {
          if (get().healthDevice === device && get().healthDrives.some((d) => d.device === device)) void get().checkUsage();
        });
    } else {
      void get().refreshHealthDrives();
    }
  },

  closeHealth: () => set({ view: 'wizard' }),

  refreshHealthDrives: async () => {
    const mine = ++listCounter;
    const result = await bridge()
      .listDrives({ showAll: false })
      .catch((error: unknown) => ({ ok: false as const, error: toErrorPayload(error) }));
    if (mine !== listCounter) return;
    if (!result.ok) {
      set({ healthDrivesError: result.error, healthDrivesLoaded: true });
      return;
    }
    const drives = result.value.filter((d) => !d.isSystem);
    const chosen = get().healthDevice;
    // A drive that went away is no longer chosen; with exactly one drive, that one is.
    const still = chosen !== null && drives.some((d) => d.device === chosen);
    const only = drives.length === 1 ? (drives[0]?.device ?? null) : null;
    set({ healthDrives: drives, healthDrivesLoaded: true, healthDrivesError: null, healthDevice: still ? chosen : only });
  },

  chooseHealthDrive: (device) => {
    if (device === get().healthDevice) return;
    checkCounter += 1; // a check of the previous drive still running is no longer wanted
    set({ healthDevice: device, usageReport: null, usageError: null, usageDevice: null, usageLoading: false, maintainOutcome: null });
  },

  checkUsage: async () => {
    const device = get().healthDevice;
    if (!device || get().maintaining) return;
    const mine = ++checkCounter;
    set({ usageLoading: true, usageError: null, maintainOutcome: null });
    try {
      const result = await bridge().readUsage(device);
      if (mine !== checkCounter) return;
      if (result.ok) set({ usageReport: result.value, usageError: null, usageDevice: device, usageLoading: false });
      else set({ usageReport: null, usageError: result.error, usageDevice: device, usageLoading: false });
    } catch (error) {
      if (mine !== checkCounter) return;
      set({ usageReport: null, usageError: toErrorPayload(error), usageDevice: device, usageLoading: false });
    }
  },

  resetOverlay: (dir) => maintain(set, get, 'reset', dir, (device) => bridge().resetOverlay(device, dir)),
  growOverlay: (dir, size) => maintain(set, get, 'grow', dir, (device) => bridge().growOverlay(device, dir, size)),
});

type Set = Parameters<StateCreator<AppState, [], [], UsageSlice>>[0];
type Get = Parameters<StateCreator<AppState, [], [], UsageSlice>>[1];

/** Runs a reset or grow on the drive the shown report is about, then shows the report it answers with. */
async function maintain(set: Set, get: Get, kind: MaintainKind, dir: string, call: (device: string) => Promise<Result<UsageReport>>): Promise<void> {
  const device = get().usageDevice;
  if (!device || get().maintaining || get().usageLoading || !get().usageReport) return;
  const target = { kind, device, dir };
  checkCounter += 1; // a check still running would show the state from before
  set({ maintaining: target, maintainOutcome: null });
  const result = await call(device).catch((error: unknown) => ({ ok: false as const, error: toErrorPayload(error) }));
  set({ maintaining: null });
  if (get().healthDevice !== device) return; // another drive was chosen meanwhile; its view starts clean
  if (!result.ok) {
    set({ maintainOutcome: { ...target, ok: false, error: result.error } });
    return;
  }
  const overlay = result.value.images.find((image) => image.dir === dir)?.overlay;
  const size = overlay && 'fileBytes' in overlay ? formatBytes(overlay.fileBytes) : null;
  const message =
    kind === 'reset'
      ? `The overlay of /${dir} was reset: it holds no changes now, and home.img is as it was.`
      : `The overlay of /${dir} is now ${size ?? 'larger'}; every change was kept.`;
  set({ usageReport: result.value, usageError: null, usageDevice: device, maintainOutcome: { ...target, ok: true, message } });
}
