import { StickwrightError } from '../../../shared/errors';
import { inspectIso } from '../../engine/inspect/inspectIso';
import { formatIsoReport } from '../formatIsoReport';
import { parseVerbArgs } from '../parseVerbArgs';
import type { Verb } from '../verb';

export const inspectVerb: Verb = {
  summary: 'Read an ISO without mounting it and describe what it holds.',
  async run(args, { out }) {
    const { values, positionals } = parseVerbArgs('inspect', args, {
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) {
      throw new StickwrightError('USAGE', 'inspect takes exactly one ISO path');
    }
    const report = await inspectIso(positionals[0] as string);
    out.write(values.json ? `${JSON.stringify({ ok: true, report }, null, 2)}\n` : formatIsoReport(report));
    return 0;
  },
};
