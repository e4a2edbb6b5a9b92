// stickwright restore <target> [--fs fat32|exfat] [--label L] [--yes] [--json]
// Turns any stick back into a plain drive: one partition over the whole disk, FAT32 (default up
// to 32 GiB) or exFAT, labelled (default STICK), fsck-clean (engine/restore/restoreStick.ts).
// Order as in `write`: every check first (system disk, mounted, too small, label) → ask
// (unless --yes; refused without a terminal) → the target's identity compared again → restore.
// --json prints one document, {ok:true, result} (errors: main.ts's {ok:false, error}).
import { createInterface } from 'node:readline/promises';
import { StickwrightError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/units';
import { asCancelled } from '../../engine/jobs/asCancelled';
import { checkRestore, restoreStick, type RestoreFs } from '../../engine/restore/restoreStick';
import { readTargetIdentity } from '../../engine/target/targetIdentity';
import type { PhaseName } from '../../../shared/contract/events';
import { parseVerbArgs } from '../parseVerbArgs';
import type { Verb } from '../verb';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const WORDS: Partial<Record<PhaseName, string>> = {
  partition: 'Wiping old partition tables and signatures',
  format: 'Making the filesystem',
  verify: 'Checking it (fsck, read-only)',
  flush: 'Writing the partition table',
};

export const restoreVerb: Verb = {
  summary: 'Turn any stick back into a plain drive (one FAT32 or exFAT partition).',
  async run(args, { out, err }) {
    const { values, positionals } = parseVerbArgs('restore', args, {
      fs: { type: 'string' },
      label: { type: 'string' },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) throw new StickwrightError('USAGE', 'restore takes exactly one target (a device such as /dev/sdb, or an image file)');
    if (values.fs !== undefined && values.fs !== 'fat32' && values.fs !== 'exfat') throw new StickwrightError('USAGE', `--fs must be fat32 or exfat (got ${String(values.fs)})`);
    const checked = await checkRestore({ target: positionals[0] as string, fs: values.fs as RestoreFs | undefined, label: values.label === undefined ? undefined : String(values.label) });
    const identity = readTargetIdentity(checked.target);
    const { target, fs, label, partition } = checked;
    const fsName = fs === 'fat32' ? 'FAT32' : 'exFAT';

    const abort = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (!abort.signal.aborted) abort.abort(new StickwrightError('CANCELLED', `${signal} received`));
    };
    for (const name of STOP_SIGNALS) process.on(name, onSignal);
    let phase: PhaseName | null = 'preflight';
    try {
      if (!values.yes) {
        if (!process.stdin.isTTY) throw new StickwrightError('CONFIRMATION_REQUIRED', `${target.path} would be erased; nothing was written (add --yes)`, { target: target.path });
        const rl = createInterface({ input: process.stdin, output: err as NodeJS.WritableStream & { isTTY?: boolean } });
        rl.on('SIGINT', () => abort.abort(new StickwrightError('CANCELLED', 'at the question')));
        try {
          const answer = await rl.question(
            `Everything on ${target.path} (${target.kind === 'block' ? 'disk' : 'image file'}, ${formatBytes(target.size)}) will be erased; it becomes one ${fsName} partition "${label}". Type "yes" to go on: `,
            { signal: abort.signal },
          );
          if (answer.trim().toLowerCase() !== 'yes') throw new StickwrightError('CONFIRMATION_REQUIRED', `not confirmed; ${target.path} is untouched`, { target: target.path });
        } catch (error) {
          if (abort.signal.aborted) throw new StickwrightError('CANCELLED', `not confirmed; nothing was written to ${target.path}`, { target: target.path, targetTouched: false }, { cause: error });
          throw error;
        } finally {
          rl.close();
        }
      }
      const result = await restoreStick(checked, {
        identity,
        signal: abort.signal,
        onPhase: (next) => {
          phase = next;
          if (!values.json && WORDS[next]) err.write(`${WORDS[next]}…\n`);
        },
      });
      if (values.json) out.write(`${JSON.stringify({ ok: true, result }, null, 2)}\n`);
      else out.write(`Restored ${result.target}: one ${fsName} partition "${result.label}" (${formatBytes(partition.size)}, type 0x${partition.type.toString(16).padStart(2, '0')}, from ${formatBytes(partition.start)}); fsck: ${result.fsck || 'no errors'}.\n`);
      return 0;
    } catch (error) {
      if (abort.signal.aborted) throw asCancelled(error, target.path, phase);
      throw error;
    } finally {
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
    }
  },
};
