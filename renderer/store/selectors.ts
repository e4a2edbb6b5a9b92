// Derived values: computed from the store's plain data where they are needed, never stored.
import { useMemo } from 'react';
import type { PlanResult } from '../../shared/plan/stickPlan';
import type { PlanProblem } from '../../shared/plan/stickPlan';
import { plan } from '../lib/planning';
import { chooseMode, effectiveMode, type ModeChoice, type WriteMode } from '../lib/writeMode';
import { useAppStore } from './index';

/** A target large enough that only the image itself can be the problem. */
const ANY_SIZE = 2 ** 40;

/** What the planner says about the image alone (family, boot loaders), whatever the stick. */
export function useImageProblems(): readonly PlanProblem[] {
  const report = useAppStore((s) => s.report);
  const choices = useAppStore((s) => s.choices);
  return useMemo(() => {
    if (!report) return [];
    const result = plan(report, ANY_SIZE, { ...choices, overlaySize: 0, homeSize: 0, encryptHome: false, overlayFs: false });
    return result.ok ? [] : result.problems.filter((p) => p.code === 'NO_LIVE_LAYOUT' || p.code === 'FAMILY_NOT_SUPPORTED');
  }, [report, choices]);
}

/** The mode picked for the chosen image (with its reason) and the one in effect (null: none). */
export function useWriteMode(): { readonly choice: ModeChoice | null; readonly mode: WriteMode | null } {
  const isoPath = useAppStore((s) => s.isoPath);
  const report = useAppStore((s) => s.report);
  const imageError = useAppStore((s) => s.imageError);
  const inspecting = useAppStore((s) => s.inspecting);
  const rawChosen = useAppStore((s) => s.rawChosen);
  const problems = useImageProblems();
  return useMemo(() => {
    const choice = inspecting ? null : chooseMode(isoPath, report, imageError, problems);
    return { choice, mode: effectiveMode(choice, rawChosen) };
  }, [isoPath, report, imageError, inspecting, rawChosen, problems]);
}

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
    if (s.restoreStatus === 'starting' || s.restoreStatus === 'running') return 'Available when the stick has been restored';
    return null;
  });
}
