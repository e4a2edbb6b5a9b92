// Derived values: computed from the store's plain data where they are needed, never stored.
import { useMemo } from 'react';
import type { PlanResult } from '../../shared/plan/stickPlan';
import { plan } from '../lib/planning';
import { useAppStore } from './index';

/** The plan for the chosen image, drive and choices (placeholder ids), or null before both are chosen. */
export function useCurrentPlan(): PlanResult | null {
  const report = useAppStore((s) => s.report);
  const drive = useAppStore((s) => s.selectedDrive);
  const choices = useAppStore((s) => s.choices);
  return useMemo(() => (report && drive ? plan(report, drive.size, choices) : null), [report, drive, choices]);
}

/** Whether the passphrase fields are filled in and agree (or not needed). */
export function usePassphraseProblem(): string | null {
  const { choices, passphrase, passphraseConfirm } = useAppStore();
  if (!choices.encryptHome || choices.homeSize === 0) return null;
  if (passphrase.length === 0) return 'Enter a passphrase for the encrypted home.';
  if (passphrase.length < 8) return 'Use at least 8 characters.';
  if (passphrase !== passphraseConfirm) return 'The two passphrases differ.';
  return null;
}

/** Why the header cannot leave the current view now (a job is changing a stick), or null. */
export function useBusyReason(): string | null {
  return useAppStore((s) => {
    if (s.writeStatus === 'starting' || s.writeStatus === 'running') return 'Available when the write has finished';
    if (s.maintaining) return 'Available when the stick has been changed';
    if (s.addStatus === 'starting' || s.addStatus === 'running') return 'Available when the image has been added';
    if (s.removing) return 'Available when the image has been removed';
    return null;
  });
}
