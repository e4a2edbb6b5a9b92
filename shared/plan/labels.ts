// Filesystem labels. dracut names the overlay after `blkid -s LABEL` of the live partition and a
// label with spaces breaks livecd-iso-to-disk's own lookup (livecd-spec.md §1.4), so we allow a
// safe subset everywhere: letters, digits, "-" and "_".
import type { StickFilesystem } from './writeOptions';

const MAX_LENGTH: Readonly<Record<StickFilesystem, number>> = { vfat: 11, ext4: 16, f2fs: 16 };
const SAFE = /^[A-Za-z0-9_-]+$/;

export type LabelCheck = { readonly ok: true; readonly label: string; readonly changed: boolean } | { readonly ok: false; readonly reason: string };

/** The label as it will be written (FAT stores labels upper-case), or why it cannot be. */
export function normaliseLabel(label: string, fs: StickFilesystem): LabelCheck {
  if (label.length === 0) return { ok: false, reason: 'the label is empty' };
  if (!SAFE.test(label)) return { ok: false, reason: `"${label}" has characters other than letters, digits, "-" and "_"` };
  if (label.length > MAX_LENGTH[fs]) return { ok: false, reason: `"${label}" is longer than ${MAX_LENGTH[fs]} characters (the ${fs} limit)` };
  const written = fs === 'vfat' ? label.toUpperCase() : label;
  return { ok: true, label: written, changed: written !== label };
}
