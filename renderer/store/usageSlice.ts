// The "Stick health" view: which screen shows (the wizard or the health view), the sticks it can
// check, the chosen one and what `readUsage` reported about it. A newer check wins over an older
// one still running; a report always names the device it belongs to.
import type { StateCreator } from 'zustand';
import type { Drive } from '../../shared/contract/drive';
import { toErrorPayload, type ErrorPayload } from '../../shared/errors';
import type { UsageReport } from '../../shared/usage/usageReport';
import { bridge } from '../lib/api';
import type { AppState } from './index';

export type AppView = 'wizard' | 'health';

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
  /** Show the health view; with a device (e.g. from Done) that drive is chosen and checked at once. */
  openHealth: (device?: string) => void;
  /** Back to the wizard, where it was. */
  closeHealth: () => void;
  refreshHealthDrives: () => Promise<void>;
  chooseHealthDrive: (device: string | null) => void;
  /** Read the chosen drive's usage (through the worker). */
  checkUsage: () => Promise<void>;
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
    set({ healthDevice: device, usageReport: null, usageError: null, usageDevice: null, usageLoading: false });
  },

  checkUsage: async () => {
    const device = get().healthDevice;
    if (!device) return;
    const mine = ++checkCounter;
    set({ usageLoading: true, usageError: null });
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
});
