// `stickwright <verb> …`: the engine's command-line face. Thin: parse, call the engine, print.
import { toErrorPayload, ERROR_CATALOG, StickwrightError, formatErrorLine } from '../../shared/errors';
import { inspectVerb } from './verbs/inspect';
import { usageVerb } from './verbs/usage';
import { resetOverlayVerb } from './verbs/resetOverlay';
import { growVerb } from './verbs/grow';
import { writeVerb } from './verbs/write';
import { addVerb } from './verbs/add';
import { listVerb } from './verbs/list';
import { removeVerb } from './verbs/remove';
import { nextBootVerb } from './verbs/nextBoot';
import { restoreVerb } from './verbs/restore';
import { USAGE_TEXT } from './usage';
import type { Verb } from './verb';

const VERBS: Readonly<Record<string, Verb>> = {
  inspect: inspectVerb,
  write: writeVerb,
  usage: usageVerb,
  'reset-overlay': resetOverlayVerb,
  grow: growVerb,
  add: addVerb,
  list: listVerb,
  remove: removeVerb,
  'next-boot': nextBootVerb,
  restore: restoreVerb,
};

export async function runCli(argv: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const [verbName, ...rest] = argv;
  const json = rest.includes('--json');
  try {
    if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
      out.write(USAGE_TEXT);
      return verbName === undefined ? ERROR_CATALOG.USAGE.exitCode : 0;
    }
    if (verbName === '--version' || verbName === '-V') {
      out.write(`${__STICKWRIGHT_VERSION__}\n`);
      return 0;
    }
    const verb = VERBS[verbName];
    if (!verb) throw new StickwrightError('USAGE', `unknown verb "${verbName}"`);
    // `stickwright write --help`: the usage text (every verb's options are in it), not an error.
    if (rest.includes('--help') || rest.includes('-h')) {
      out.write(USAGE_TEXT);
      return 0;
    }
    return await verb.run(rest, { out, err });
  } catch (error) {
    const payload = toErrorPayload(error);
    if (json) {
      out.write(`${JSON.stringify({ ok: false, error: payload }, null, 2)}\n`);
    } else {
      err.write(`stickwright: error ${formatErrorLine(payload.code, payload.detail ?? undefined)}\n`);
    }
    return ERROR_CATALOG[payload.code].exitCode;
  }
}

// `__STICKWRIGHT_VERSION__` is replaced at build time with package.json's version.
declare const __STICKWRIGHT_VERSION__: string;
