// stickwright grow <stick> --overlay SIZE [--dir DIR] [--yes] [--json]
// Grows a live image's dm-snapshot overlay into the stick's free space; every change is kept.
import { createInterface } from 'node:readline/promises';
import { StickwrightError } from '../../../shared/errors';
import { formatBytes, parseSize } from '../../../shared/units';
import { growOverlay, planGrow } from '../../engine/maintain/growOverlay';
import { parseVerbArgs } from '../parseVerbArgs';
import type { Verb } from '../verb';

export const growVerb: Verb = {
  summary: "Grow a live image's overlay into free space on the stick; its changes are kept.",
  async run(args, { out, err }) {
    const { values, positionals } = parseVerbArgs('grow', args, {
      overlay: { type: 'string' },
      home: { type: 'string' },
      dir: { type: 'string' },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) throw new StickwrightError('USAGE', 'grow takes exactly one stick (a device such as /dev/sdb, or an image file)');
    if (values.home !== undefined) {
      throw new StickwrightError('GROW_NOT_POSSIBLE', 'growing home.img offline is not supported yet: its filesystem would have to be resized inside the stick\'s; copy /home off, write the stick again with a larger --home, and copy it back');
    }
    if (values.overlay === undefined) throw new StickwrightError('USAGE', 'grow needs --overlay SIZE (the new size, e.g. 4G)');
    const size = parseSize(String(values.overlay));
    if (size === null || size <= 0) throw new StickwrightError('USAGE', `--overlay ${String(values.overlay)} is not a size (e.g. 512M, 4G)`);
    const stick = positionals[0] as string;
    const request = { stick, size, ...(values.dir === undefined ? {} : { dir: String(values.dir) }) };
    const plan = await planGrow(request);
    if (!values.yes) {
      if (!process.stdin.isTTY) throw new StickwrightError('CONFIRMATION_REQUIRED', `the overlay of /${plan.image.dir} would grow to ${formatBytes(plan.newSize)}; nothing was changed (add --yes)`, { target: stick });
      const rl = createInterface({ input: process.stdin, output: err as NodeJS.WritableStream & { isTTY?: boolean } });
      try {
        const answer = await rl.question(`Grow ${plan.overlay.path} from ${formatBytes(plan.overlay.fileBytes)} to ${formatBytes(plan.newSize)} (nothing is lost; the stick's free space shrinks by the difference)? Type "yes": `);
        if (answer.trim().toLowerCase() !== 'yes') throw new StickwrightError('CONFIRMATION_REQUIRED', 'not confirmed; nothing was changed', { target: stick });
      } finally {
        rl.close();
      }
    }
    const result = await growOverlay(request);
    if (values.json) out.write(`${JSON.stringify({ ok: true, result }, null, 2)}\n`);
    else out.write(`Grew /${result.dir}'s overlay from ${formatBytes(result.before.fileBytes)} to ${formatBytes(result.after.fileBytes)}: the kernel will report ${result.after.kernelStatus ?? `${result.after.totalSectors} sectors in total`}\n`);
    return 0;
  },
};
