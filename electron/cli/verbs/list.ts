// stickwright list <stick> [--json]
// The live images on a stick in boot menu order (the default first): per image its directory,
// name, root image size, overlay kind/size/use, home size; then the stick's totals.
import { StickwrightError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/units';
import type { OverlayUsage } from '../../../shared/usage/usageReport';
import { readStickImages } from '../../engine/multi/stickImages';
import { parseVerbArgs } from '../parseVerbArgs';
import type { Verb } from '../verb';

function overlayText(o: OverlayUsage | null): string {
  if (!o) return 'none';
  switch (o.kind) {
    case 'dm-snapshot':
      return `dm-snapshot ${formatBytes(o.fileBytes)}, ${o.percent}% used`;
    case 'overlayfs-image':
      return `OverlayFS image ${formatBytes(o.fileBytes)}, ${o.percent}% used`;
    case 'overlayfs-dir':
      return `OverlayFS directory${o.usedBytes === null ? '' : `, ${formatBytes(o.usedBytes)} used`}`;
    default:
      return o.kind;
  }
}

export const listVerb: Verb = {
  summary: 'List the live images on a stick.',
  async run(args, { out }) {
    const { values, positionals } = parseVerbArgs('list', args, { json: { type: 'boolean', default: false } });
    if (positionals.length !== 1) throw new StickwrightError('USAGE', 'list takes exactly one stick (a device such as /dev/sdb, or an image file)');
    const state = await readStickImages(positionals[0] as string);
    const images = state.images.map((i, index) => ({
      dir: i.dir,
      name: i.meta?.name ?? null,
      isDefault: index === 0,
      metaSource: i.metaSource,
      kernel: i.meta?.kernel ?? null,
      args: i.meta?.args ?? null,
      rootImage: i.usage.rootImage,
      overlay: i.usage.overlay ? { kind: i.usage.overlay.kind, path: i.usage.overlay.path, bytes: 'fileBytes' in i.usage.overlay ? i.usage.overlay.fileBytes : null, percent: 'percent' in i.usage.overlay ? i.usage.overlay.percent : null } : null,
      home: i.usage.home ? { path: i.usage.home.path, bytes: i.usage.home.fileBytes, encrypted: i.usage.home.encrypted } : null,
    }));
    const live = state.report.live;
    const totals = { images: images.length, fs: live.fs, capacityBytes: live.capacityBytes, usedBytes: live.usedBytes, freeBytes: live.freeBytes };
    if (values.json) {
      out.write(`${JSON.stringify({ ok: true, images, totals }, null, 2)}\n`);
      return 0;
    }
    const lines = [`${state.stick}: ${images.length} live image${images.length === 1 ? '' : 's'} on ${live.fs} "${live.label ?? ''}" ${live.uuid ?? ''}`];
    for (const [n, i] of state.images.entries()) {
      lines.push(
        `  /${i.dir}${n === 0 ? '  (default)' : ''}  ${i.meta?.name ?? '(no boot entry)'}`,
        `      root image ${i.usage.rootImage ? formatBytes(i.usage.rootImage.bytes) : 'missing'}; overlay ${overlayText(i.usage.overlay)}; home ${i.usage.home ? formatBytes(i.usage.home.fileBytes) : 'none'}`,
      );
    }
    lines.push(`  stick: ${formatBytes(live.usedBytes)} used of ${formatBytes(live.capacityBytes)}, ${formatBytes(live.freeBytes)} free`);
    out.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
