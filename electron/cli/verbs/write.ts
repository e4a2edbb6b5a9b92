// stickwright write --iso X --target T [--fs ext4|f2fs|vfat] [--overlay SIZE] [--overlayfs]
//                   [--home SIZE] [--label L] [--size SIZE] [--yes] [--dry-run] [--no-verify] [--json]
import { createInterface } from 'node:readline/promises';
import { stat } from 'node:fs/promises';
import { StickwrightError } from '../../../shared/errors';
import { StickFilesystem, WriteOptions } from '../../../shared/plan/writeOptions';
import { parseSize } from '../../../shared/units';
import { planRequest, writeStick, type WriteRequest } from '../../engine/write/writeStick';
import { parseVerbArgs } from '../parseVerbArgs';
import { formatStickPlan } from '../formatStickPlan';
import { ProgressPrinter } from '../progressPrinter';
import type { Verb } from '../verb';

const DEFAULT_OVERLAY = '2G';

function sizeArg(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseSize(String(value));
  if (bytes === null) throw new StickwrightError('USAGE', `--${name} ${String(value)} is not a size (e.g. 512M, 4G)`);
  return bytes;
}

export const writeVerb: Verb = {
  summary: 'Write a live ISO to a stick (or an image file) with persistence.',
  async run(args, { out, err }) {
    const { values, positionals } = parseVerbArgs('write', args, {
      iso: { type: 'string' },
      target: { type: 'string' },
      fs: { type: 'string', default: 'ext4' },
      overlay: { type: 'string', default: DEFAULT_OVERLAY },
      overlayfs: { type: 'boolean', default: false },
      home: { type: 'string', default: '0' },
      'encrypt-home': { type: 'boolean', default: false },
      'passphrase-file': { type: 'string' },
      label: { type: 'string', default: 'LIVE' },
      size: { type: 'string' },
      yes: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'no-verify': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length) throw new StickwrightError('USAGE', `write takes no positional arguments (got ${positionals.join(' ')})`);
    if (!values.iso || !values.target) throw new StickwrightError('USAGE', 'write needs --iso and --target');
    const fs = StickFilesystem.safeParse(values.fs);
    if (!fs.success) throw new StickwrightError('USAGE', `--fs must be ext4, f2fs or vfat (got ${String(values.fs)})`);
    const options = WriteOptions.safeParse({
      fs: fs.data,
      overlaySize: sizeArg('overlay', values.overlay),
      overlayKind: values.overlayfs ? 'overlayfs' : 'auto',
      homeSize: sizeArg('home', values.home),
      encryptHome: values['encrypt-home'],
      label: values.label,
    });
    if (!options.success) throw new StickwrightError('USAGE', options.error.issues[0]?.message ?? 'bad options');
    const request: WriteRequest = {
      isoPath: String(values.iso),
      target: String(values.target),
      createSize: sizeArg('size', values.size),
      options: options.data,
      skipVerify: Boolean(values['no-verify']),
    };
    const json = Boolean(values.json);

    if (values['dry-run']) {
      const { iso, plan } = await planRequest({ ...request, createSize: undefined, target: request.target }, undefined).catch(async (error: unknown) => {
        // A dry run never creates the image file: plan against the size it would have.
        if (error instanceof StickwrightError && error.code === 'TARGET_SIZE_REQUIRED' && request.createSize) throw error;
        throw error;
      });
      await iso.close();
      out.write(json ? `${JSON.stringify({ ok: true, plan }, null, 2)}\n` : formatStickPlan(plan));
      return 0;
    }

    const existed = await stat(request.target).then(
      () => true,
      () => false,
    );
    if (existed && !values.yes) await confirmErase(request.target, err);

    const abort = new AbortController();
    const onSignal = () => abort.abort(new Error('interrupted'));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const printer = new ProgressPrinter(out, err, json);
    try {
      const result = await writeStick(request, printer.hooks, abort.signal);
      printer.result(result);
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      printer.stop();
    }
  },
};

/** Without --yes: ask on a terminal; refuse in scripts (never erase silently). */
async function confirmErase(target: string, err: NodeJS.WritableStream): Promise<void> {
  if (!process.stdin.isTTY) throw new StickwrightError('CONFIRMATION_REQUIRED', `${target} would be erased`, { target });
  const rl = createInterface({ input: process.stdin, output: err as NodeJS.WritableStream & { isTTY?: boolean } });
  try {
    const answer = await rl.question(`Everything on ${target} will be erased. Type "yes" to go on: `);
    if (answer.trim().toLowerCase() !== 'yes') throw new StickwrightError('CONFIRMATION_REQUIRED', `not confirmed; ${target} is untouched`, { target });
  } finally {
    rl.close();
  }
}
