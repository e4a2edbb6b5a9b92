// What the images view says about a stick's images, in words: the same facts `stickwright list`
// prints (electron/cli/verbs/list.ts). Pure functions, tested beside this file.
import type { PhaseName } from '../../shared/contract/events';
import type { StickImageEntry } from '../../shared/contract/multiImage';
import type { PersistencePlan } from '../../shared/plan/stickPlan';
import { formatBytes } from '../../shared/units';
import type { HomeUsage, ImageUsage, OverlayUsage } from '../../shared/usage/usageReport';
import { PHASE_WORDS } from '../lib/phases';

/** What a person calls the image: its menu title, else its directory. */
export function imageTitle(entry: StickImageEntry): string {
  return entry.name ?? `/${entry.dir}`;
}

/** "dm-snapshot file, 256 MiB, 0% used"; the overlay as `stickwright list` describes it. */
export function overlayLine(overlay: OverlayUsage | null): string {
  if (!overlay) return 'None: changes are lost at power-off';
  switch (overlay.kind) {
    case 'dm-snapshot':
      return `dm-snapshot file, ${formatBytes(overlay.fileBytes)}, ${overlay.percent}% used`;
    case 'overlayfs-image':
      return `OverlayFS image, ${formatBytes(overlay.fileBytes)}, ${overlay.percent}% used`;
    case 'overlayfs-dir':
      return `OverlayFS directory${overlay.usedBytes === null ? '' : `, ${formatBytes(overlay.usedBytes)} used`}; grows into the free space`;
    case 'unsupported':
      return 'Not readable by Stickwright';
  }
}

export function homeLine(home: HomeUsage | null): string {
  if (!home) return 'None: /home lives in the overlay';
  return home.encrypted ? `${formatBytes(home.fileBytes)}, encrypted (${home.fs})` : `${formatBytes(home.fileBytes)}${home.percent === null ? '' : `, ${home.percent}% used`}`;
}

/** Everything a remove deletes, for the question: the image, its changes and its files. */
export function removeLosses(entry: StickImageEntry, usage: ImageUsage | undefined): string[] {
  const root = usage?.rootImage ? ` (${formatBytes(usage.rootImage.bytes)})` : '';
  const losses = [`the live system in /${entry.dir}${root}`];
  if (usage?.overlay) losses.push('its overlay, with every system change it holds');
  if (usage?.home) losses.push(`its home.img (${formatBytes(usage.home.fileBytes)}), with every file in it`);
  return losses;
}

/** The new image's persistence, for the review. */
export function persistenceWords(kind: PersistencePlan['kind'], overlayBytes: number): string {
  switch (kind) {
    case 'none':
      return 'None: changes are lost at power-off';
    case 'dm-snapshot':
      return `${formatBytes(overlayBytes)} overlay file (device-mapper snapshot)`;
    case 'overlayfs-image':
      return `${formatBytes(overlayBytes)} OverlayFS image file`;
    case 'overlayfs-dir':
      return 'OverlayFS directory, growing into the free space';
  }
}

/** The add's phases, in order (engine/multi/addImage.ts), and their words. */
export const ADD_PHASES: readonly PhaseName[] = ['preflight', 'copy', 'persist', 'boot', 'verify'];
export const ADD_PHASE_WORDS: Readonly<Record<PhaseName, string>> = {
  ...PHASE_WORDS,
  copy: 'Copying the live system',
  persist: 'Making its overlay and home',
  boot: 'Rewriting the boot menu',
  verify: 'Reading the stick back',
};

/**
 * What state a failed add left the stick in. engine/multi/addImage.ts checks everything before
 * the first change and removes what it made when a later step fails or is cancelled; only a
 * failed read-back (the image is there but does not read as one) or a helper that died leave
 * something to look at.
 */
export function addFailureState(code: string, phase: PhaseName | null): string {
  if (code === 'VERIFY_FAILED' || phase === 'verify') return 'The image was copied, but the stick does not read back as expected: read the stick again and check its images before relying on it.';
  if (code === 'WORKER_FAILED') return 'The helper stopped without saying how far it got: read the stick again to see which images it holds.';
  return 'The stick is as it was: the images on it were not touched, and whatever the add had made was removed again.';
}
