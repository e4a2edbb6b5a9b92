// stickwright write --iso X --target T [--target T2 …] [--fs ext4|f2fs|vfat] [--overlay SIZE] [--overlayfs]
//                   [--home SIZE] [--label L] [--size SIZE] [--yes] [--unmount] [--dry-run] [--no-verify]
//                   [--checksum SUM|FILE] [--no-checksum] [--json]
//
// Order: parse → preflight (every check, no side effects) → ask (unless --yes, or the target
// is a new image file) → the engine's pipeline. A refusal at any step before the pipeline
// leaves the target exactly as it was: not even a new image file is created.
//
// The target's identity (targetIdentity.ts: device number, size, diskseq, model/serial, a loop
// device's backing file) is recorded at the check and compared again after the question and right
// before the first write: another stick in its place is TARGET_CHANGED. A mounted target is
// refused (TARGET_MOUNTED) unless --unmount says to unmount it — --yes does not imply it; the
// unmount comes after the question, and if it fails (UNMOUNT_FAILED) nothing is written.
//
// With --json (and no --dry-run) stdout is the worker's NDJSON event stream from the first line
// to the last: phase, progress and log events, then exactly one `result` or `error` event — a
// bad command line included. --dry-run --json prints one document, {ok:true,…} or {ok:false,…}.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { StickwrightError } from '../../../shared/errors';
import { StickFilesystem, WriteOptions } from '../../../shared/plan/writeOptions';
import { formatBytes, parseSize } from '../../../shared/units';
import { newStickIds } from '../../engine/write/stickIds';
import type { WriteRequest } from '../../engine/write/writeStick';
import { asCancelled } from '../../engine/jobs/asCancelled';
import { guardedWrite } from '../../engine/jobs/guardedWrite';
import type { MountedPart, ResolvedTarget } from '../../engine/target/resolveTarget';
import { checkTargetIdentity, readTargetIdentity } from '../../engine/target/targetIdentity';
import { unmountTarget } from '../../engine/target/unmountTarget';
import type { ChecksumRequest } from '../../engine/verify/isoChecksum';
import { parseVerbArgs } from '../parseVerbArgs';
import { runWriteRaw } from './writeRaw';
import { writeMany } from './writeMany';
import { formatStickPlan } from '../formatStickPlan';
import { preflightWrite } from '../preflightWrite';
import { ProgressPrinter } from '../progressPrinter';
import type { CliStreams, Verb } from '../verb';

const DEFAULT_OVERLAY = '2G';
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function sizeArg(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseSize(String(value));
  if (bytes === null) throw new StickwrightError('USAGE', `--${name} ${String(value)} is not a size (e.g. 512M, 4G)`);
  return bytes;
}

export const writeVerb: Verb = {
  summary: 'Write a live ISO to a stick (or an image file) with persistence.',
  async run(args, streams) {
    // Raw mode (any image byte for byte, to one or several targets) has its own module.
    if (args.includes('--raw')) return runWriteRaw(args, streams);
    // Decided before parsing, so that a bad command line is an event too (main.ts looks for
    // --json the same way).
    const printer = new ProgressPrinter(streams.out, streams.err, args.includes('--json') && !args.includes('--dry-run'));
    try {
      return await write(args, streams, printer);
    } catch (error) {
      if (!printer.json) throw error; // main.ts prints the one-line error
      return printer.fail(error);
    } finally {
      printer.stop();
    }
  },
};

async function write(args: readonly string[], { out, err }: CliStreams, printer: ProgressPrinter): Promise<number> {
  const { values, positionals } = parseVerbArgs('write', args, {
    iso: { type: 'string' },
    // Repeatable: several sticks are written one after the other (writeMany.ts).
    target: { type: 'string', multiple: true },
    fs: { type: 'string', default: 'ext4' },
    overlay: { type: 'string', default: DEFAULT_OVERLAY },
    overlayfs: { type: 'boolean', default: false },
    home: { type: 'string', default: '0' },
    'encrypt-home': { type: 'boolean', default: false },
    'passphrase-file': { type: 'string' },
    label: { type: 'string', default: 'LIVE' },
    size: { type: 'string' },
    yes: { type: 'boolean', default: false },
    unmount: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    'no-verify': { type: 'boolean', default: false },
    checksum: { type: 'string' },
    'no-checksum': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length) throw new StickwrightError('USAGE', `write takes no positional arguments (got ${positionals.join(' ')})`);
  const targets = (values.target as string[] | undefined) ?? [];
  if (!values.iso || !targets.length) throw new StickwrightError('USAGE', 'write needs --iso and --target');
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
    target: targets[0] as string,
    createSize: sizeArg('size', values.size),
    options: options.data,
    // Drawn once: the plan checked here is the plan the engine carries out.
    ids: newStickIds(),
    skipVerify: Boolean(values['no-verify']),
    checksum: checksumRequest(values.checksum, Boolean(values['no-checksum'])),
    homePassphrase: values['encrypt-home'] ? await readPassphrase(values['passphrase-file']) : undefined,
  };

  const allowMounted = Boolean(values.unmount);
  if (targets.length > 1) return writeMany(request, targets, { allowMounted, yes: Boolean(values.yes), dryRun: Boolean(values['dry-run']), json: Boolean(values.json) }, { out, err }, printer);
  if (values['dry-run']) {
    const { target, plan, mounted } = await preflightWrite(request, undefined, { allowMounted });
    out.write(
      values.json
        ? `${JSON.stringify({ ok: true, target: { ...describeTarget(target), unmount: mounted }, plan }, null, 2)}\n`
        : `${formatStickPlan(plan, target)}${mounted.map((m) => `Would unmount ${m.source} from ${m.mountPoint} first (--unmount).\n`).join('')}`,
    );
    return 0;
  }

  // From here on a signal cancels at the next safe point, and the engine cleans up (loop
  // devices, staging, child programs) before we exit. The listeners stay installed until the
  // end: execa's signal-exit re-raises a signal when it sees no other listener, which a
  // `process.once` listener (removed as it fires) would let it do — killing us mid-cleanup.
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      printer.warn(`${signal}: still stopping; the target is being left in a known state`);
      return;
    }
    printer.warn(`${signal}: stopping at the next safe point`);
    abort.abort(new StickwrightError('CANCELLED', `${signal} received`));
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  // Whoever reads our progress went away (`| head`, a dead parent): stop as for a signal.
  printer.whenClosed(() => abort.abort(new StickwrightError('CANCELLED', 'the output was closed')));
  let target: ResolvedTarget | null = null;
  try {
    printer.hooks.onPhase?.('preflight');
    let mounted: readonly MountedPart[];
    ({ target, mounted } = await preflightWrite(request, abort.signal, { allowMounted }));
    // What was checked, to be compared again after the question and before the first write.
    const identity = readTargetIdentity(target);
    if (target.exists && !values.yes) await confirmErase(target, err, abort, mounted);
    if (mounted.length) {
      if (identity) checkTargetIdentity(identity);
      for (const m of mounted) printer.warn(`unmounting ${m.source} from ${m.mountPoint}`);
      await unmountTarget(target.path, mounted, abort.signal);
    }
    // The engine's pipeline, with the leftover-loop safety net and cancel mapping the worker uses
    // too; the engine checks the target again, now also that it still has the size checked here.
    // The path checked (a symlink re-pointed meanwhile changes nothing), and for a disk its size.
    const checkedRequest: WriteRequest = !target.exists ? request : { ...request, target: target.path, ...(target.kind === 'block' ? { expectedSize: target.size } : {}) };
    const result = await guardedWrite(checkedRequest, printer.hooks, abort.signal, { warn: (message) => printer.warn(message), phase: printer.phase, expectedIdentity: identity });
    printer.result(result);
    return 0;
  } catch (error) {
    if (abort.signal.aborted) throw asCancelled(error, target?.path ?? request.target, printer.phase);
    throw error;
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  }
}

function describeTarget(target: ResolvedTarget) {
  return { path: target.path, kind: target.kind, size: target.size, exists: target.exists };
}

/** Without --yes: ask on a terminal; refuse in scripts (never erase silently). */
async function confirmErase({ path: target, size, kind }: ResolvedTarget, err: NodeJS.WritableStream, abort: AbortController, mounted: readonly MountedPart[]): Promise<void> {
  if (!process.stdin.isTTY) throw new StickwrightError('CONFIRMATION_REQUIRED', `${target} would be erased; nothing was written`, { target });
  const rl = createInterface({ input: process.stdin, output: err as NodeJS.WritableStream & { isTTY?: boolean } });
  // A terminal in readline's raw mode turns Ctrl-C into this event instead of a signal.
  rl.on('SIGINT', () => abort.abort(new StickwrightError('CANCELLED', 'at the question')));
  try {
    for (const m of mounted) err.write(`${m.source} is mounted on ${m.mountPoint}: it will be unmounted first (--unmount).\n`);
    const answer = await rl.question(`Everything on ${target} (${kind === 'block' ? 'disk' : 'image file'}, ${formatBytes(size)}) will be erased. Type "yes" to go on: `, { signal: abort.signal });
    if (answer.trim().toLowerCase() !== 'yes') throw new StickwrightError('CONFIRMATION_REQUIRED', `not confirmed; ${target} is untouched`, { target });
  } catch (error) {
    if (abort.signal.aborted) throw new StickwrightError('CANCELLED', `not confirmed; nothing was written to ${target}`, { target, targetTouched: false }, { cause: error });
    throw error;
  } finally {
    rl.close();
  }
}

/** The home passphrase from --passphrase-file: its bytes, without one trailing newline (as typed). */
async function readPassphrase(file: unknown): Promise<Buffer> {
  if (typeof file !== 'string') throw new StickwrightError('USAGE', '--encrypt-home needs --passphrase-file FILE (the passphrase, on one line)');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new StickwrightError('USAGE', `cannot read --passphrase-file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const text = bytes.subarray(0, bytes.length - (bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? 2 : 1) : 0));
  if (text.length === 0) throw new StickwrightError('USAGE', `--passphrase-file ${file} is empty`);
  return Buffer.from(text);
}

/** --checksum takes a digest (hex, optionally "sha256:"-prefixed) or a checksum file's path. */
function checksumRequest(value: unknown, off: boolean): ChecksumRequest {
  if (typeof value === 'string') {
    if (off) throw new StickwrightError('USAGE', '--checksum and --no-checksum contradict each other');
    return /^((sha256|sha512):)?[0-9a-fA-F]+$/i.test(value) && !existsSync(value) ? { kind: 'digest', value } : { kind: 'file', path: value };
  }
  return off ? { kind: 'off' } : { kind: 'auto' };
}
