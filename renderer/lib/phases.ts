// The write's phases in words (the worker's phase names are for programs).
import type { PhaseName } from '../../shared/contract/events';

export const PHASE_WORDS: Readonly<Record<PhaseName, string>> = {
  preflight: 'Checking the image and the stick',
  partition: 'Preparing the stick',
  format: 'Creating the filesystem',
  copy: 'Copying the live system',
  persist: 'Making room for your changes',
  boot: 'Installing the boot loaders',
  flush: 'Flushing to the stick…',
  verify: 'Checking what was written',
  inspect: 'Reading the image',
};

/**
 * The state a failed write left the stick in, and what went wrong before it: the engine ends its
 * detail with the state ("while staging the image; nothing was written to the target").
 */
export function stickState(detail: string | null, data: Readonly<Record<string, unknown>>): { state: string; cause: string | null } {
  const parts = detail?.split('; ') ?? [];
  const tail = parts.at(-1) ?? '';
  if (parts.length > 1 && /target|image file|stick/i.test(tail)) return { state: capitalise(tail), cause: parts.slice(0, -1).join('; ') };
  const cause = detail;
  if (data.targetTouched === false) return { state: 'Nothing was written to the stick: it is as it was.', cause };
  if (data.targetTouched === true) return { state: 'The stick was wiped but has no partition table: it is blank and must be written again.', cause };
  return { state: 'Nothing was written to the stick.', cause };
}

function capitalise(text: string): string {
  const t = text.trim().replace(/\.?$/, '.');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** The phases a write of this filesystem goes through, in order (writeStick's pipeline). */
export function expectedPhases(fs: 'ext4' | 'f2fs' | 'vfat'): PhaseName[] {
  const fill: PhaseName[] = fs === 'ext4' ? ['format', 'copy'] : fs === 'f2fs' ? ['copy', 'format'] : ['copy'];
  return ['preflight', 'partition', ...fill, 'boot', 'flush', 'verify'];
}

/** Raw mode's phases (engine/raw/writeRaw.ts), in order, and their words. */
export const RAW_PHASES: readonly PhaseName[] = ['preflight', 'partition', 'copy', 'flush', 'verify'];
export const RAW_PHASE_WORDS: Readonly<Record<PhaseName, string>> = {
  ...PHASE_WORDS,
  partition: 'Clearing old partition tables',
  copy: 'Writing the image byte for byte',
  verify: 'Reading back and comparing',
};
