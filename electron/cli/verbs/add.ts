// stickwright add --iso X --target T [--dir NAME] [--overlay SIZE] [--home SIZE] [--name TITLE] [--yes] [--json]
// One more live image on a written stick, in its own directory with its own overlay and home;
// the boot menus list every image. Nothing of the other images is touched.
import { createInterface } from 'node:readline/promises';
import { StickwrightError } from '../../../shared/errors';
import { ImageName } from '../../../shared/contract/multiImage';
import { formatBytes, parseSize } from '../../../shared/units';
import { addImage, planAdd } from '../../engine/multi/addImage';
import { parseVerbArgs } from '../parseVerbArgs';
import type { Verb } from '../verb';

function size(option: string, text: string): number {
  const value = parseSize(text);
  if (value === null) throw new StickwrightError('USAGE', `--${option} ${text} is not a size (e.g. 512M, 4G, or 0)`);
  return value;
}

export const addVerb: Verb = {
  summary: 'Add another live image to a written stick, with its own overlay and home.',
  async run(args, { out, err }) {
    const { values, positionals } = parseVerbArgs('add', args, {
      iso: { type: 'string' },
      target: { type: 'string' },
      dir: { type: 'string' },
      overlay: { type: 'string', default: '2G' },
      home: { type: 'string', default: '0' },
      name: { type: 'string' },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length > 0) throw new StickwrightError('USAGE', `add takes no positional arguments (got ${positionals.join(' ')}); use --iso and --target`);
    if (values.iso === undefined || values.target === undefined) throw new StickwrightError('USAGE', 'add needs --iso ISO and --target STICK');
    // The menu title: the same rule as the app's (one line, no control characters, no outer spaces).
    if (values.name !== undefined && !ImageName.safeParse(String(values.name)).success) {
      throw new StickwrightError('USAGE', `--name ${JSON.stringify(String(values.name))} is not a menu title: one line, no control characters, no leading or trailing spaces`);
    }
    const request = {
      stick: String(values.target),
      iso: String(values.iso),
      overlaySize: size('overlay', String(values.overlay)),
      homeSize: size('home', String(values.home)),
      ...(values.dir === undefined ? {} : { dir: String(values.dir) }),
      ...(values.name === undefined ? {} : { name: String(values.name) }),
    };
    const plan = await planAdd(request);
    const request2 = { ...request, dir: plan.dir };
    if (!values.yes) {
      if (!process.stdin.isTTY) throw new StickwrightError('CONFIRMATION_REQUIRED', `"${plan.meta.name}" would be added in /${plan.dir}; nothing was changed (add --yes)`, { target: request.stick });
      const rl = createInterface({ input: process.stdin, output: err as NodeJS.WritableStream & { isTTY?: boolean } });
      try {
        const answer = await rl.question(
          `Add "${plan.meta.name}" to ${request.stick} in /${plan.dir} (${formatBytes(plan.needBytes)} of ${formatBytes(plan.freeBytes)} free; the other images are not touched)? Type "yes": `,
        );
        if (answer.trim().toLowerCase() !== 'yes') throw new StickwrightError('CONFIRMATION_REQUIRED', 'not confirmed; nothing was changed', { target: request.stick });
      } finally {
        rl.close();
      }
    }
    // Ctrl-C / SIGTERM: stop at the next step; what the add made is removed again.
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.on('SIGINT', cancel);
    process.on('SIGTERM', cancel);
    let result;
    try {
      result = await addImage(request2, values.json ? undefined : (m) => err.write(`${m}\n`), controller.signal);
    } finally {
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
    }
    if (values.json) out.write(`${JSON.stringify({ ok: true, result }, null, 2)}\n`);
    else out.write(`Added "${result.name}" in /${result.dir}; the boot menus list every image. Free on the stick: ${formatBytes(result.freeAfter)}.\n`);
    return 0;
  },
};
