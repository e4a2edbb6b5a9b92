import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export const STEPS = ['image', 'drive', 'persistence', 'review', 'write', 'done'] as const;
export type StepId = (typeof STEPS)[number];

export const STEP_TITLES: Readonly<Record<StepId, string>> = {
  image: 'Image',
  drive: 'Drive',
  persistence: 'Persistence',
  review: 'Review',
  write: 'Write',
  done: 'Done',
};

export interface WizardSlice {
  readonly step: StepId;
  goTo: (step: StepId) => void;
}

export const createWizardSlice: StateCreator<AppState, [], [], WizardSlice> = (set) => ({
  step: 'image',
  goTo: (step) => set({ step }),
});
