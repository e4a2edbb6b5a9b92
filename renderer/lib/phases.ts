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

/** The state a failed write left the stick in, from the engine's detail ("…; nothing was written to the target"). */
export function stickState(detail: string | null, data: Readonly<Record<string, unknown>>): string {
  const tail = detail?.split('; ').at(-1) ?? '';
  if (/target|image file|stick/i.test(tail) && detail?.includes('; ')) return capitalise(tail);
  if (data.targetTouched === false) return 'Nothing was written to the stick: it is as it was.';
  if (data.targetTouched === true) return 'The stick was wiped but has no partition table: it is blank and must be written again.';
  return 'Nothing was written to the stick.';
}

function capitalise(text: string): string {
  const t = text.trim().replace(/\.?$/, '.');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
