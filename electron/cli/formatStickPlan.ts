// `stickwright write --dry-run`: the plan as a person reads it on the review step.
import type { StickPlan } from '../../shared/plan/stickPlan';
import { formatBytes } from '../../shared/units';
import type { ResolvedTarget } from '../engine/target/resolveTarget';

export function formatStickPlan(plan: StickPlan, target?: ResolvedTarget): string {
  const what = !target ? '' : target.kind === 'block' ? `${target.path} (disk), ` : target.exists ? `${target.path} (image file), ` : `${target.path} (new image file, not created by a dry run), `;
  const lines: string[] = [`Target: ${what}${formatBytes(plan.targetSize)}, MBR partition table (erased and rewritten)`];
  for (const p of plan.partitions) {
    lines.push(
      `  ${p.index}: ${p.role === 'live' ? 'live' : 'EFI system'} ${p.fs} "${p.label}" ${p.uuid}, ${formatBytes(p.size)} at ${formatBytes(p.start)}${p.bootable ? ', active' : ''}`,
    );
  }
  lines.push(`Persistence: ${plan.persistence.kind}${'path' in plan.persistence ? ` ${plan.persistence.path}` : ''}${'size' in plan.persistence ? ` (${formatBytes(plan.persistence.size)})` : ''}`);
  if (plan.home) lines.push(`Home: ${plan.home.path} (${formatBytes(plan.home.size)}, ext4${plan.home.encrypted ? ', encrypted' : ''})`);
  lines.push(
    `Space on the live filesystem: ${formatBytes(plan.space.usable)} usable; image ${formatBytes(plan.space.liveImage)}, persistence ${formatBytes(plan.space.persistence)}, boot ${formatBytes(plan.space.bootFiles)}, free ${formatBytes(plan.space.free)}`,
  );
  lines.push('Boot entries (BIOS: our GRUB; UEFI: the image\'s own loaders):');
  for (const entry of plan.boot.entries) lines.push(`  ${entry.isDefault ? '*' : '-'} ${entry.title}`, `      ${entry.kernel} ${entry.cmdline}`);
  for (const note of plan.notes) lines.push(`Note: ${note}`);
  return `${lines.join('\n')}\n`;
}
