// The stick's two GRUB menus, rewritten from the ISO's own (shared/plan/rewriteGrubConfig.ts):
// /boot/grub2/grub.cfg on the live partition (read by our BIOS GRUB, and by kiwi's EFI GRUB), and
// /EFI/BOOT/grub.cfg on the ESP (read by the ISO's EFI GRUB from $cmdpath).
import { rewriteGrubConfig, type GrubFsModule } from '../../../shared/plan/rewriteGrubConfig';
import type { StickPlan } from '../../../shared/plan/stickPlan';
import type { LiveArgs } from '../../../shared/plan/kernelArgs';
import type { IsoImage } from './isoImage';

const FS_MODULE: Readonly<Record<string, GrubFsModule>> = { ext4: 'ext2', vfat: 'fat', f2fs: 'f2fs' };

export function liveArgsOf(plan: StickPlan): LiveArgs {
  return {
    rootSpec: plan.boot.rootSpec,
    liveDir: plan.liveDir,
    overlay: plan.persistence.kind === 'none' ? null : { spec: plan.boot.rootSpec, overlayfs: plan.persistence.kind !== 'dm-snapshot' },
    fsType: plan.partitions[0].fs,
  };
}

export async function renderBootConfig(iso: IsoImage, plan: StickPlan, firmware: 'bios' | 'uefi', isoPath: string | null): Promise<string> {
  const live = plan.partitions[0];
  if (!isoPath) throw new Error('the plan has no source for the boot menu');
  const text = await iso.readText(isoPath);
  return rewriteGrubConfig(text, {
    fsUuid: live.uuid,
    fsModule: FS_MODULE[live.fs] ?? 'ext2',
    firmware,
    liveArgs: liveArgsOf(plan),
    origin: `${iso.path}:${isoPath}`,
  });
}

/** /<liveDir>/stickwright-image.json: the plan's image facts and the time of the write. */
export function imageMetaText(plan: StickPlan, now: Date = new Date()): string {
  if (!plan.image) return '{}\n';
  return `${JSON.stringify({ ...plan.image, addedAt: now.toISOString() }, null, 2)}\n`;
}
