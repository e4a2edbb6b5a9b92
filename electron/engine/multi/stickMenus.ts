// The stick's boot menus rewritten from what is on it: every GRUB menu the stick has (BIOS
// /boot/grub2/grub.cfg on the live partition; UEFI /EFI/BOOT/grub.cfg, and BOOT.conf where it
// exists, on the ESP and on the live partition when it carries EFI/BOOT as livecd-iso-to-disk
// sticks do), each with a grubenv beside it for a one-time choice of entry.
import { StickwrightError } from '../../../shared/errors';
import { menuEntryId, renderGrubenv, renderMultiImageMenu, type MenuImage } from '../../../shared/plan/multiImageMenu';
import type { GrubFsModule } from '../../../shared/plan/rewriteGrubConfig';
import { withStickFiles, type StickFileOps } from '../stickfs/stickFiles';
import type { MenuFile, StickImages } from './stickImages';

const FS_MODULE: Readonly<Record<string, GrubFsModule>> = { ext4: 'ext2', vfat: 'fat', f2fs: 'f2fs' };

/** The menus' new texts, for the images in this order (the default first). */
export function renderStickMenus(state: StickImages, images: readonly MenuImage[]): Array<{ menu: MenuFile; text: string }> {
  const uuid = state.report.live.uuid;
  if (!uuid) throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the live filesystem has no UUID for the boot menus to find it by');
  return state.menus.map((menu) => ({
    menu,
    text: renderMultiImageMenu({
      images,
      fsUuid: uuid,
      fsModule: FS_MODULE[state.live.fs] ?? 'ext2',
      fsType: state.live.fs,
      firmware: menu.firmware,
      existing: menu.text,
      envFile: state.env?.on === 'live' ? `($root)${state.env.path}` : '$prefix/grubenv',
    }),
  }));
}

/** Writes the menus (and a grubenv beside each where there is none; `nextEntry` sets one in all). */
export async function writeStickMenus(
  state: StickImages,
  images: readonly MenuImage[],
  options: { liveOps?: StickFileOps; nextEntryDir?: string } = {},
): Promise<string[]> {
  if (state.menus.length === 0) throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the stick has no GRUB menu (/boot/grub2/grub.cfg or /EFI/BOOT/grub.cfg) to list its images in');
  const rendered = renderStickMenus(state, images);
  const env = options.nextEntryDir === undefined ? null : renderGrubenv({ next_entry: menuEntryId(options.nextEntryDir) });
  const written: string[] = [];
  const writeOn = async (on: 'live' | 'esp', ops: StickFileOps) => {
    for (const { menu, text } of rendered.filter((r) => r.menu.on === on)) {
      await ops.putBytes(menu.path, text);
      written.push(`${on}:${menu.path}`);
    }
    if (state.env?.on === on && (env || !state.env.exists)) {
      await ops.putBytes(state.env.path, env ?? renderGrubenv({}));
      written.push(`${on}:${state.env.path}`);
    }
  };
  if (rendered.some((r) => r.menu.on === 'live') || state.env?.on === 'live') {
    if (options.liveOps) await writeOn('live', options.liveOps);
    else await withStickFiles(state.stick, state.live, (ops) => writeOn('live', ops));
  }
  if (state.esp && (rendered.some((r) => r.menu.on === 'esp') || state.env?.on === 'esp')) {
    await withStickFiles(state.stick, state.esp, (ops) => writeOn('esp', ops));
  }
  return written;
}

/** The images as the menus list them; every one must say how it starts. */
export function menuImages(state: StickImages): MenuImage[] {
  return state.images.map((image) => {
    if (!image.meta) {
      throw new StickwrightError('MULTI_NOT_POSSIBLE', `/${image.dir} has neither ${'stickwright-image.json'} nor a boot menu entry that starts it, so the menus cannot list it`, { dir: image.dir });
    }
    return { meta: image.meta, overlay: image.overlay };
  });
}
