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

export async function setNextBoot(request: { stick: string; dir: string }): Promise<{ dir: string; entry: string; menus: string[] }> {
  await resolveTarget({ path: request.stick, sourcePath: '/nonexistent/stickwright-no-source', mode: 'check' });
  const state = await readStickImages(request.stick);
  const image = chooseImage(state.report, request.dir);
  if (state.live.fs === 'f2fs') throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the stick\'s live filesystem is F2FS, which Stickwright does not change offline');
  const id = menuEntryId(image.dir);
  if (!state.env) throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the stick has no GRUB menu to choose an entry of');
  // The menus are regenerated from what is on the stick as they are written (so the same text
  // unless they predate add/remove): the choice can never point at an entry they do not have.
  const menus = await writeStickMenus(state, menuImages(state), { nextEntryDir: image.dir });
  return { dir: image.dir, entry: id, menus };
}
