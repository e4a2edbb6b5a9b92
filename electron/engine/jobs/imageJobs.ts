// The multi-image jobs as the worker runs them: the same engine calls as `stickwright list`, `add`
// and `remove`. The worker trusts nothing main checked: the stick is resolved and checked again
// by the engine, and a stick that is not the one the person chose — another size, or (for a
// remove) another live filesystem — is refused before anything changes.
import { stat } from 'node:fs/promises';
import type { Job } from '../../../shared/contract/job';
import type { ImageChangeResult, StickImageList } from '../../../shared/contract/multiImage';
import { StickwrightError } from '../../../shared/errors';
import { addImage, type AddHooks } from '../multi/addImage';
import { removeImage } from '../multi/removeImage';
import { stickImageList } from '../multi/stickImageList';
import { readStickImages } from '../multi/stickImages';
import { resolveTarget } from '../target/resolveTarget';

type AddImageJob = Extract<Job, { kind: 'add-image' }>;
type RemoveImageJob = Extract<Job, { kind: 'remove-image' }>;

export async function listImagesJob(stick: string): Promise<StickImageList> {
  return stickImageList(await readStickImages(stick));
}

export async function addImageJob(job: AddImageJob, hooks: AddHooks, signal: AbortSignal, log: (message: string) => void): Promise<ImageChangeResult> {
  await requireSize(job.stick, job.isoPath, job.expectedSize);
  const request = { stick: job.stick, iso: job.isoPath, overlaySize: job.overlaySize, homeSize: job.homeSize, ...(job.name === undefined ? {} : { name: job.name }) };
  const result = await addImage(request, log, signal, hooks);
  return { dir: result.dir, name: result.name, freeBefore: result.freeBefore, freeAfter: result.freeAfter, list: await listImagesJob(job.stick) };
}

export async function removeImageJob(job: RemoveImageJob): Promise<ImageChangeResult> {
  await requireSize(job.stick, '/nonexistent/stickwright-no-source', job.expectedSize);
  if (job.liveUuid !== null) {
    const uuid = (await readStickImages(job.stick)).report.live.uuid;
    if (uuid !== job.liveUuid) {
      throw new StickwrightError('TARGET_CHANGED', `the live filesystem of ${job.stick} is ${uuid ?? 'without a UUID'}, not the ${job.liveUuid} listed; nothing was removed`, { path: job.stick });
    }
  }
  const result = await removeImage({ stick: job.stick, dir: job.dir });
  return { dir: result.dir, name: result.name, freeBefore: result.freeBefore, freeAfter: result.freeAfter, list: await listImagesJob(job.stick) };
}

/** A stick of another size than the one chosen is another stick (swapped in the same slot). */
async function requireSize(stick: string, sourcePath: string, expectedSize: number): Promise<void> {
  // A job never makes an image file: a stick that is gone is gone.
  if (!(await stat(stick).then(() => true, () => false))) throw new StickwrightError('TARGET_NOT_FOUND', `${stick} is gone; nothing was changed`, { path: stick });
  const target = await resolveTarget({ path: stick, sourcePath, mode: 'check' });
  if (!target.exists || target.size !== expectedSize) {
    throw new StickwrightError('TARGET_CHANGED', `${stick} is ${target.exists ? `${target.size} bytes` : 'gone'}, not the ${expectedSize} bytes chosen; nothing was changed`, {
      path: stick,
      expectedSize,
      size: target.exists ? target.size : null,
    });
  }
}
