// `stickwright next-boot`: the image the stick starts at its next boot only (BIOS and UEFI), as
// grub2-reboot does it: next_entry in the grubenv beside each menu; the menu's own script sets
// the default from it once and clears it (save_env). Needs menus written by add/remove (entries
// with our ids) and, under UEFI, an ISO GRUB with the loadenv module (Fedora's has it).
import { StickwrightError } from '../../../shared/errors';
import { menuEntryId } from '../../../shared/plan/multiImageMenu';
import { chooseImage } from '../maintain/resetOverlay';
import { resolveTarget } from '../target/resolveTarget';
import { readStickImages } from './stickImages';
import { menuImages, writeStickMenus } from './stickMenus';

export async function setNextBoot(request: { stick: string; dir: string }): Promise<{ dir: string; menus: string[] }> {
  await resolveTarget({ path: request.stick, sourcePath: '/nonexistent/stickwright-no-source', mode: 'check' });
  const state = await readStickImages(request.stick);
  const image = chooseImage(state.report, request.dir);
  if (state.live.fs === 'f2fs') throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the stick\'s live filesystem is F2FS, which Stickwright does not change offline');
  const id = menuEntryId(image.dir);
  const stale = state.menus.filter((m) => m.envPath && !m.text.includes(`'${id}'`));
  // Menus that do not list the image by our id yet (a stick never added to) are regenerated
  // first, from what is on the stick, so the choice cannot point at nothing.
  const menus = await writeStickMenus(state, menuImages(state), { nextEntryDir: image.dir });
  return { dir: image.dir, menus: stale.length > 0 ? menus : menus.filter((m) => m.endsWith('/grubenv')) };
}
