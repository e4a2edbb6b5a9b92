import { StickwrightError } from '../../../shared/errors';
import { UsageReport } from '../../../shared/usage/usageReport';
import { readStickUsage } from '../../engine/usage/readStickUsage';
import { formatUsageReport } from '../formatUsageReport';
import { parseVerbArgs } from '../parseVerbArgs';
import type { Verb } from '../verb';

export const usageVerb: Verb = {
  summary: "Read a written stick offline and show how full each live image's overlay and home are.",
  async run(args, { out }) {
    const { values, positionals } = parseVerbArgs('usage', args, {
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) {
      throw new StickwrightError('USAGE', 'usage takes exactly one stick (a device such as /dev/sdb, or an image file)');
    }
    // The report crosses into scripts and the GUI: it must match its schema.
    const report = UsageReport.parse(await readStickUsage(positionals[0] as string));
    out.write(values.json ? `${JSON.stringify({ ok: true, report }, null, 2)}\n` : formatUsageReport(report));
    return 0;
  },
};
