import type { StateCreator } from 'zustand';
import type { AppInfo } from '../../shared/contract/api';
import { bridge } from '../lib/api';
import type { AppState } from './index';

export interface AppInfoSlice {
  readonly appInfo: AppInfo | null;
  loadAppInfo: () => Promise<void>;
}

export const createAppInfoSlice: StateCreator<AppState, [], [], AppInfoSlice> = (set) => ({
  appInfo: null,
  loadAppInfo: async () => {
    const result = await bridge().appInfo();
    if (result.ok) set({ appInfo: result.value });
  },
});
