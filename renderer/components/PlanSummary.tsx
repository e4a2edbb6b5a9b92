import type { StickPlan } from '../../shared/plan/stickPlan';
import { formatBytes } from '../lib/format';

const FS_NAME = { ext4: 'ext4', f2fs: 'F2FS', vfat: 'FAT32' } as const;

function persistenceText(plan: StickPlan): string {
  const p = plan.persistence;
  switch (p.kind) {
    case 'none':
      return 'None: changes are lost at power-off';
    case 'dm-snapshot':
      return `${formatBytes(p.size)} overlay file (device-mapper snapshot)`;
    case 'overlayfs-image':
      return `${formatBytes(p.size)} OverlayFS image file`;
    case 'overlayfs-dir':
      return `OverlayFS directory, using the free space (${formatBytes(plan.space.free)} now)`;
  }
}

/** What the writer will create, from the plan: partitions, persistence, home, boot. */
export function PlanSummary({ plan, label, image }: { readonly plan: StickPlan; readonly label: string; readonly image?: string }) {
  const [live, esp] = plan.partitions;
  return (
    <dl className="facts plan-summary" aria-label={label}>
      {image && (
        <>
          <dt>Live image</dt>
          <dd className="plan-image">{image}</dd>
        </>
      )}
      <dt>Partition 1</dt>
      <dd>
        {FS_NAME[live.fs]} “{live.label}”, {formatBytes(live.size)} <span className="muted">the live system and your persistence</span>
      </dd>
      <dt>Partition 2</dt>
      <dd>
        {FS_NAME[esp.fs]} “{esp.label}”, {formatBytes(esp.size)} <span className="muted">EFI system partition</span>
      </dd>
      <dt>Overlay</dt>
      <dd>{persistenceText(plan)}</dd>
      <dt>Home</dt>
      <dd>{plan.home ? `${formatBytes(plan.home.size)}, ${plan.home.encrypted ? 'encrypted (LUKS2)' : 'not encrypted'}` : 'None'}</dd>
      <dt>Boot</dt>
      <dd>BIOS and UEFI (GRUB), {plan.boot.entries.length} menu {plan.boot.entries.length === 1 ? 'entry' : 'entries'}</dd>
      <dt>Left free</dt>
      <dd>{formatBytes(Math.max(0, plan.space.free))}</dd>
    </dl>
  );
}
