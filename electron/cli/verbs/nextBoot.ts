// stickwright next-boot <stick> <dir> [--json]
// The image the stick starts at its next boot only (grubenv next_entry, as grub2-reboot).
import { StickwrightError } from '../../../shared/errors';
import { setNextBoot } from '../../engine/multi/nextBoot';
import { parseVerbArgs } from '../parseVerbArgs';
import type { Verb } from '../verb';

export const nextBootVerb: Verb = {
  summary: 'Start a chosen live image at the next boot only.',
  async run(args, { out }) {
    const { values, positionals } = parseVerbArgs('next-boot', args, { json: { type: 'boolean', default: false } });
    if (positionals.length !== 2) throw new StickwrightError('USAGE', 'next-boot takes a stick and the directory of the image to start (see stickwright list)');
    const result = await setNextBoot({ stick: positionals[0] as string, dir: positionals[1] as string });
    if (values.json) out.write(`${JSON.stringify({ ok: true, result }, null, 2)}\n`);
    else out.write(`The next boot starts /${result.dir} (once); then the first entry again.\n`);
    return 0;
  },
};
