// stickwright reset-overlay <stick> [--dir DIR] [--yes] [--json]
// Discards every change a live image's system made (its persistent overlay starts fresh); its
// home.img is kept. Asks first unless --yes, saying exactly what is lost.
import { createInterface } from 'node:readline/promises';
import { StickwrightError } from '../../../shared/errors';
import { formatDmStatus } from '../../../shared/usage/usageLevels';
import type { OverlayUsage } from '../../../shared/usage/usageReport';
import { formatBytes } from '../../../shared/units';
import { planReset, resetOverlay } from '../../engine/maintain/resetOverlay';
import { parseVerbArgs } from '../parseVerbArgs';
import type { Verb } from '../verb';

function describeOverlay(overlay: OverlayUsage): string {
  switch (overlay.kind) {
    case 'dm-snapshot':
      return `dm-snapshot overlay ${overlay.path}, ${overlay.state}${overlay.state === 'fresh' ? '' : `, ${formatDmStatus(overlay.allocatedSectors, overlay.totalSectors, overlay.metadataSectors)} sectors`}`;
    case 'overlayfs-image':
      return `OverlayFS image ${overlay.path}, ${overlay.state}${overlay.usedBytes === null ? '' : `, ${formatBytes(overlay.usedBytes)} used`}`;
    default:
      return `${overlay.kind} ${overlay.path}`;
  }
}

export const resetOverlayVerb: Verb = {
  summary: "Discard a live image's system changes (its overlay starts fresh); home.img is kept.",
  async run(args, { out, err }) {
    const { values, positionals } = parseVerbArgs('reset-overlay', args, {
      dir: { type: 'string' },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) throw new StickwrightError('USAGE', 'reset-overlay takes exactly one stick (a device such as /dev/sdb, or an image file)');
    const stick = positionals[0] as string;
    const request = { stick, ...(values.dir === undefined ? {} : { dir: String(values.dir) }) };
    const { image, overlay } = await planReset(request);
    if (!values.yes) {
      if (!process.stdin.isTTY) throw new StickwrightError('CONFIRMATION_REQUIRED', `the overlay of /${image.dir} would be reset; nothing was changed (add --yes)`, { target: stick });
      const rl = createInterface({ input: process.stdin, output: err as NodeJS.WritableStream & { isTTY?: boolean } });
      try {
        err.write(`${describeOverlay(overlay)}\n`);
        const answer = await rl.question(
          `Every change the live system of /${image.dir} made (installed software, settings, files outside /home) will be lost; ${image.home ? 'its home.img is kept' : 'it has no home.img'}. Type "yes" to reset: `,
        );
        if (answer.trim().toLowerCase() !== 'yes') throw new StickwrightError('CONFIRMATION_REQUIRED', 'not confirmed; nothing was changed', { target: stick });
      } finally {
        rl.close();
      }
    }
    const result = await resetOverlay(request);
    if (values.json) out.write(`${JSON.stringify({ ok: true, result }, null, 2)}\n`);
    else out.write(`Reset /${result.dir}: ${describeOverlay(result.before)}\n        now ${describeOverlay(result.after)}\n`);
    return 0;
  },
};
