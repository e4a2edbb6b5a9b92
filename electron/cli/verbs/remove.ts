// stickwright remove <stick> <dir> [--yes] [--json]
// One live image off a stick with several: its directory (root image, kernel, initrd, overlay,
// home.img) and its boot menu entry. Asks unless --yes, saying exactly what is lost.
import { createInterface } from 'node:readline/promises';
import { StickwrightError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/units';
import { planRemove, removeImage } from '../../engine/multi/removeImage';
import { parseVerbArgs } from '../parseVerbArgs';
import type { Verb } from '../verb';

export const removeVerb: Verb = {
  summary: 'Remove a live image (with its overlay and home) from a stick with several.',
  async run(args, { out, err }) {
    const { values, positionals } = parseVerbArgs('remove', args, {
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 2) throw new StickwrightError('USAGE', 'remove takes a stick and the directory of the image to remove (see stickwright list)');
    const request = { stick: positionals[0] as string, dir: positionals[1] as string };
    const plan = await planRemove(request);
    if (!values.yes) {
      if (!process.stdin.isTTY) throw new StickwrightError('CONFIRMATION_REQUIRED', `/${plan.image.dir} would be removed; nothing was changed (add --yes)`, { target: request.stick });
      const rl = createInterface({ input: process.stdin, output: err as NodeJS.WritableStream & { isTTY?: boolean } });
      try {
        const answer = await rl.question(`This deletes ${plan.loses}. Type "yes" to remove it: `);
        if (answer.trim().toLowerCase() !== 'yes') throw new StickwrightError('CONFIRMATION_REQUIRED', 'not confirmed; nothing was changed', { target: request.stick });
      } finally {
        rl.close();
      }
    }
    const result = await removeImage(request);
    if (values.json) out.write(`${JSON.stringify({ ok: true, result }, null, 2)}\n`);
    else out.write(`Removed "${result.name}" (/${result.dir}); free on the stick: ${formatBytes(result.freeAfter)} (was ${formatBytes(result.freeBefore)}).\n`);
    return 0;
  },
};
