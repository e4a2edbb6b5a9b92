import type { StateCreator } from 'zustand';
import type { Drive } from '../../shared/contract/drive';
import type { ErrorPayload } from '../../shared/errors';
import { bridge } from '../lib/api';
import type { AppState } from './index';

export interface DrivesSlice {
  readonly drives: readonly Drive[];
  /** True once the first list has arrived. */
  readonly drivesLoaded: boolean;
  readonly drivesError: ErrorPayload | null;
  /** System drives listed too (after a danger confirmation). */
  readonly showAll: boolean;
  /** The chosen drive as it was listed when chosen: its size is what the worker re-checks. */
  readonly selectedDrive: Drive | null;
  refreshDrives: () => Promise<void>;
  setShowAll: (showAll: boolean) => void;
  selectDrive: (drive: Drive | null) => void;
}

let inFlight = false;

export const createDrivesSlice: StateCreator<AppState, [], [], DrivesSlice> = (set, get) => ({
  drives: [],
  drivesLoaded: false,
  drivesError: null,
  showAll: false,
  selectedDrive: null,
  refreshDrives: async () => {
    if (inFlight) return;
    inFlight = true;
    let stale = false;
    try {
      const showAll = get().showAll;
      const result = await bridge().listDrives({ showAll });
      stale = get().showAll !== showAll; // the toggle changed meanwhile: ask again
      if (stale) return;
      if (!result.ok) {
        set({ drivesError: result.error, drivesLoaded: true });
        return;
      }
      const drives = result.value;
      const selected = get().selectedDrive;
      // A drive that went away (or changed size: another stick in the same slot) is unselected;
      // nothing is ever selected for the user (T5).
      const still = selected && drives.find((d) => d.device === selected.device && d.size === selected.size);
      set({ drives, drivesLoaded: true, drivesError: null, selectedDrive: still ? selected : null });
    } finally {
      inFlight = false;
      if (stale) void get().refreshDrives();
    }
  },
  setShowAll: (showAll) => {
    const selected = get().selectedDrive;
    set({ showAll, selectedDrive: !showAll && selected?.isSystem ? null : selected });
    void get().refreshDrives();
  },
  selectDrive: (drive) => set({ selectedDrive: drive }),
});
