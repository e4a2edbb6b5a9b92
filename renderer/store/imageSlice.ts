import type { StateCreator } from 'zustand';
import type { IsoReport } from '../../shared/contract/isoReport';
import type { ErrorPayload } from '../../shared/errors';
import { bridge } from '../lib/api';
import type { AppState } from './index';

export interface ImageSlice {
  readonly isoPath: string | null;
  readonly report: IsoReport | null;
  readonly inspecting: boolean;
  readonly imageError: ErrorPayload | null;
  /** The person chose to write a live image as is (raw mode, no persistence); reset with each new image. */
  readonly rawChosen: boolean;
  setRawChosen: (raw: boolean) => void;
  /** Inspect the ISO at `path` and keep the answer; a newer choice wins over a slower older one. */
  chooseImage: (path: string) => Promise<void>;
  clearImage: () => void;
}

export const createImageSlice: StateCreator<AppState, [], [], ImageSlice> = (set, get) => ({
  isoPath: null,
  report: null,
  inspecting: false,
  imageError: null,
  rawChosen: false,
  setRawChosen: (raw) => set({ rawChosen: raw }),
  chooseImage: async (path) => {
    set({ isoPath: path, report: null, imageError: null, inspecting: true, rawChosen: false });
    const result = await bridge().inspectIso(path);
    if (get().isoPath !== path) return; // the user picked another file meanwhile
    if (result.ok) set({ report: result.value, inspecting: false });
    else set({ imageError: result.error, inspecting: false });
  },
  clearImage: () => set({ isoPath: null, report: null, imageError: null, inspecting: false, rawChosen: false }),
});
