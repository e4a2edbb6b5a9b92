import type { StateCreator } from 'zustand';
import type { StickFilesystem } from '../../shared/plan/writeOptions';
import type { Choices } from '../lib/planning';
import type { AppState } from './index';

export interface OptionsSlice {
  readonly choices: Choices;
  /** The drive size the sizes were last fitted to; a new drive gets new defaults. */
  readonly sizedFor: string | null;
  /** Kept only until the write starts; it then travels to the worker's stdin and is dropped here. */
  readonly passphrase: string;
  readonly passphraseConfirm: string;
  setFs: (fs: StickFilesystem) => void;
  setOverlaySize: (bytes: number) => void;
  setHomeSize: (bytes: number) => void;
  setOverlayFs: (on: boolean) => void;
  setEncryptHome: (on: boolean) => void;
  setPassphrase: (passphrase: string, confirm: string) => void;
  /** Sizes fitted to a drive (from planning.defaultSizes), remembered by drive key. */
  fitSizes: (key: string, sizes: { overlaySize: number; homeSize: number }) => void;
}

export const INITIAL_CHOICES: Choices = { fs: 'ext4', overlaySize: 0, homeSize: 0, overlayFs: false, encryptHome: false };

export const createOptionsSlice: StateCreator<AppState, [], [], OptionsSlice> = (set) => {
  const change = (patch: Partial<Choices>) => set((s) => ({ choices: { ...s.choices, ...patch } }));
  return {
    choices: INITIAL_CHOICES,
    sizedFor: null,
    passphrase: '',
    passphraseConfirm: '',
    setFs: (fs) => change({ fs }),
    setOverlaySize: (overlaySize) => change({ overlaySize }),
    setHomeSize: (homeSize) => change({ homeSize }),
    setOverlayFs: (overlayFs) => change({ overlayFs }),
    setEncryptHome: (encryptHome) => change({ encryptHome }),
    setPassphrase: (passphrase, passphraseConfirm) => set({ passphrase, passphraseConfirm }),
    fitSizes: (key, sizes) => set((s) => ({ sizedFor: key, choices: { ...s.choices, ...sizes } })),
  };
};
