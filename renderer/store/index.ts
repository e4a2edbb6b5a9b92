// One zustand store built from slices; plain serialisable data, actions beside their state.
import { create } from 'zustand';
import { createImageSlice, type ImageSlice } from './imageSlice';
import { createAppInfoSlice, type AppInfoSlice } from './appInfoSlice';
import { createWizardSlice, type WizardSlice } from './wizardSlice';
import { createDrivesSlice, type DrivesSlice } from './drivesSlice';
import { createOptionsSlice, type OptionsSlice } from './optionsSlice';
import { createWriteSlice, type WriteSlice } from './writeSlice';
import { createUsageSlice, type UsageSlice } from './usageSlice';
import { createMultiSlice, type MultiSlice } from './multiSlice';
import { createAddImageSlice, type AddImageSlice } from './addImageSlice';
import { createRestoreSlice, type RestoreSlice } from './restoreSlice';

export type AppState = ImageSlice & AppInfoSlice & WizardSlice & DrivesSlice & OptionsSlice & WriteSlice & UsageSlice & MultiSlice & AddImageSlice & RestoreSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createImageSlice(...a),
  ...createAppInfoSlice(...a),
  ...createWizardSlice(...a),
  ...createDrivesSlice(...a),
  ...createOptionsSlice(...a),
  ...createWriteSlice(...a),
  ...createUsageSlice(...a),
  ...createMultiSlice(...a),
  ...createAddImageSlice(...a),
  ...createRestoreSlice(...a),
}));
