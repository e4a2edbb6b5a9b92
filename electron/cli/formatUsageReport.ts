// The human-readable `stickwright usage` output: one block per live image, then the stick's
// filesystem and the warnings with what to do. Scripts use --json.
import { formatBytes } from '../../shared/units';
import type { HomeUsage, OverlayUsage, UsageReport } from '../../shared/usage/usageReport';

const STATE_WORDS: Readonly<Record<string, string>> = {
  fresh: 'fresh (not used yet)',
  'in-use': 'in use',
  overflowed: 'FULL (overflowed)',
  invalid: 'INVALID',
  unsupported: 'unsupported',
  'not-an-overlay': 'not an overlay',
};

function sizeAndBytes(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes} bytes)`;
}

function overlayLines(overlay: OverlayUsage | null): string[] {
  if (!overlay) return ['Overlay:       none (changes are lost at shutdown)'];
  const lines: string[] = [];
  const row = (name: string, value: string) => lines.push(`${`${name}:`.padEnd(15)}${value}`);
  switch (overlay.kind) {
    case 'dm-snapshot':
      row('Overlay', `${overlay.path} (dm-snapshot, ${formatBytes(overlay.fileBytes)})`);
      row('  State', STATE_WORDS[overlay.state] ?? overlay.state);
      if (overlay.state !== 'not-an-overlay' && overlay.state !== 'unsupported') {
        row('  Used', `${overlay.percent}%: ${formatBytes(overlay.allocatedBytes)} of ${formatBytes(overlay.totalBytes)} (metadata ${formatBytes(overlay.metadataBytes)})`);
        row('  Sectors', `${overlay.allocatedSectors}/${overlay.totalSectors} allocated, ${overlay.metadataSectors} metadata; chunks of ${overlay.chunkSectors} sectors`);
        if (overlay.kernelStatus) row('  dmsetup', `live-rw will report "${overlay.kernelStatus}"`);
      }
      break;
    case 'overlayfs-image':
      row('Overlay', `${overlay.path} (OverlayFS in an ${overlay.fs} image, ${formatBytes(overlay.fileBytes)})`);
      row('  State', STATE_WORDS[overlay.state] ?? overlay.state);
      row('  Used', `${overlay.percent}%: ${formatBytes(overlay.usedBytes)} of ${formatBytes(overlay.capacityBytes)}, ${formatBytes(overlay.freeBytes)} free`);
      break;
    case 'overlayfs-dir':
      row('Overlay', `${overlay.path}/ (OverlayFS directory, work dir ${overlay.workPath})`);
      row('  State', STATE_WORDS[overlay.state] ?? overlay.state);
      row('  Used', overlay.usedBytes === null ? `unknown; ${formatBytes(overlay.availableBytes)} free on the stick to grow into` : `${formatBytes(overlay.usedBytes)} in ${overlay.entries ?? 0} entries; ${formatBytes(overlay.availableBytes)} free on the stick to grow into`);
      break;
    case 'unsupported':
      row('Overlay', `${overlay.path} (not read)`);
      break;
  }
  if (overlay.note) row('  Note', overlay.note);
  return lines;
}

function homeLines(home: HomeUsage | null): string[] {
  if (!home) return ['Home:          none'];
  const what = home.encrypted ? `encrypted (${home.fs})` : home.fs;
  const lines = [`Home:          ${home.path} (${what}, ${formatBytes(home.fileBytes)})`];
  if (home.usedBytes !== null && home.capacityBytes !== null) {
    lines.push(`  Used:        ${home.percent ?? 0}%: ${formatBytes(home.usedBytes)} of ${formatBytes(home.capacityBytes)}, ${formatBytes(home.freeBytes ?? 0)} free`);
  }
  if (home.note) lines.push(`  Note:        ${home.note}`);
  return lines;
}

export function formatUsageReport(report: UsageReport): string {
  const lines: string[] = [];
  const { stick, live } = report;
  if (report.source === 'live') lines.push('Mode:          live — this system runs from the stick; its figures come from the kernel (see the first note)');
  lines.push(`Stick:         ${stick.path} (${stick.kind === 'block-device' ? 'device' : 'image file'}, ${sizeAndBytes(stick.size)}, ${stick.partitionTable === 'none' ? 'no partition table' : stick.partitionTable.toUpperCase()})`);
  const where = live.partition === null ? 'whole device' : `partition ${live.partition}`;
  lines.push(`Live fs:       ${live.fs} "${live.label ?? ''}" UUID ${live.uuid ?? '(none)'} on ${where}`);
  lines.push(`  Free:        ${formatBytes(live.freeBytes)} of ${formatBytes(live.capacityBytes)} (${live.percent}% used)`);
  for (const image of report.images) {
    lines.push('');
    lines.push(`Image:         /${image.dir}${image.bootLabel ? `  "${image.bootLabel}"` : ''}`);
    for (const title of image.bootEntries.slice(1)) lines.push(`               also "${title}"`);
    if (image.rootImage) lines.push(`Root image:    ${image.rootImage.path} (${formatBytes(image.rootImage.bytes)})`);
    lines.push(...overlayLines(image.overlay));
    lines.push(...homeLines(image.home));
  }
  if (report.warnings.length > 0) {
    lines.push('');
    for (const warning of report.warnings) {
      lines.push(`${warning.severity === 'critical' ? 'CRITICAL' : 'Warning'}: ${warning.message}`);
      lines.push(`  What to do: ${warning.action}`);
    }
  }
  if (report.notes.length > 0) {
    lines.push('');
    for (const note of report.notes) lines.push(`Note: ${note}`);
  }
  lines.push('');
  lines.push(`Read ${formatBytes(report.stats.bytesRead)} of metadata in ${report.stats.elapsedMs} ms.`);
  return `${lines.join('\n')}\n`;
}
