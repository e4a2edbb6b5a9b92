// The human-readable `stickwright inspect` output. Scripts use --json; this is for people.
import type { IsoReport } from '../../shared/contract/isoReport';
import { formatBytes } from '../../shared/units';

const FAMILY_NAMES: Readonly<Record<IsoReport['layout']['family'], string>> = {
  'dracut-liveos': 'dracut LiveOS (Fedora-style)',
  'debian-live': 'Debian live-boot',
  'ubuntu-casper': 'Ubuntu casper',
  'arch-archiso': 'Arch archiso',
  'raw-only': 'raw only (hybrid image, no known live layout)',
  unknown: 'unknown (no known live layout, not hybrid)',
};

export function formatIsoReport(report: IsoReport): string {
  const lines: string[] = [];
  const { volume, layout } = report;
  const row = (name: string, value: string) => lines.push(`${`${name}:`.padEnd(14)}${value}`);

  row('Image', report.path);
  row('Label', volume.label || '(none)');
  row('Size', `${formatBytes(report.fileSize)} (${report.fileSize} bytes)`);
  const ext = [
    report.extensions.rockRidge && 'Rock Ridge',
    report.extensions.joliet && 'Joliet',
    report.extensions.elTorito && 'El Torito',
  ].filter(Boolean);
  row('ISO 9660', ext.length ? `with ${ext.join(', ')}` : 'plain');
  const hybrid = [report.hybrid.mbr && 'MBR', report.hybrid.gpt && 'GPT'].filter(Boolean);
  row('Hybrid', hybrid.length ? `yes (${hybrid.join(' + ')}, ${report.hybrid.partitions.length} partition(s))` : 'no');
  row('Family', FAMILY_NAMES[layout.family] + (layout.variant ? `, built by ${layout.variant}` : ''));
  if (layout.liveDir) row('Live dir', `/${layout.liveDir}`);
  if (layout.rootImage) {
    const img = layout.rootImage;
    const what = [img.format, img.compression, img.contents].filter(Boolean).join(', ');
    row('Root image', `${img.path} (${formatBytes(img.size)}; ${what})`);
  }
  if (layout.kernel) row('Kernel', `${layout.kernel.path} (${formatBytes(layout.kernel.size)})`);
  if (layout.initrd) row('Initrd', `${layout.initrd.path} (${formatBytes(layout.initrd.size)})`);
  row('Persistence', layout.persistence.length ? layout.persistence.join(', ') : 'none');
  for (const note of layout.notes) lines.push(`  note: ${note}`);

  if (report.elTorito.length) {
    lines.push('', 'El Torito boot images:');
    for (const e of report.elTorito) {
      lines.push(`  ${e.platform.padEnd(5)} ${e.path ?? `LBA ${e.lba}`} (${formatBytes(e.size)}, ${e.emulation === 'none' ? 'no' : e.emulation} emulation)`);
    }
  }
  if (report.efiLoaders.length) {
    lines.push('', 'UEFI loaders:');
    for (const l of report.efiLoaders) {
      const what = l.kind === 'grub' ? `GRUB, reads ${l.filesystems.join(', ') || 'no known filesystem'}` : l.kind;
      lines.push(`  ${l.path} (${formatBytes(l.size)}; ${what})`);
    }
  }
  if (report.hybrid.partitions.length) {
    lines.push('', 'Partitions:');
    for (const p of report.hybrid.partitions) {
      lines.push(
        `  ${p.scheme} ${p.index}: ${p.typeName ?? p.type} at ${p.start}, ${formatBytes(p.size)}${p.bootable ? ', active' : ''}${p.name ? `, "${p.name}"` : ''}`,
      );
    }
  }
  lines.push('', 'Boot configurations:');
  if (!report.bootConfigs.length) lines.push('  (none found)');
  for (const config of report.bootConfigs) {
    lines.push(`  ${config.path}  [${config.kind}, ${config.firmware}]`);
    for (const file of config.files) lines.push(`    file ${file.path} (${formatBytes(file.size)})`);
    for (const entry of config.entries) {
      lines.push(`    ${entry.isDefault ? '*' : '-'} ${entry.title}`);
      if (entry.kernel) lines.push(`        kernel  ${entry.kernel}`);
      if (entry.initrd.length) lines.push(`        initrd  ${entry.initrd.join(' ')}`);
      if (entry.cmdline) lines.push(`        cmdline ${entry.cmdline}`);
    }
  }
  lines.push(
    '',
    `${report.files.count} files in ${report.files.directories} directories, ${formatBytes(report.files.totalBytes)}` +
      (report.files.largest ? `; largest ${report.files.largest.path} (${formatBytes(report.files.largest.size)})` : ''),
    `Read ${formatBytes(report.stats.bytesRead)} of metadata in ${report.stats.elapsedMs.toFixed(0)} ms.`,
  );
  return `${lines.join('\n')}\n`;
}
