// For ext4 and F2FS the live filesystem is filled by mke2fs -d / sload.f2fs from a directory
// tree: this builds that tree (ISO files streamed in large reads, rewritten menus, sparse overlay
// and home files, OverlayFS directories, GRUB's BIOS modules).
import { copyFile, mkdir, mkdtemp, open, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StickPlan } from '../../../shared/plan/stickPlan';
import { StickwrightError } from '../../../shared/errors';
import { makeHomeImageFile } from '../persist/homeImage';
import { imageMetaText, renderBootConfig } from './bootConfigs';
import type { IsoImage } from './isoImage';

export interface StagedTree {
  readonly dir: string;
  remove(): Promise<void>;
}

export interface StageOptions {
  readonly grubModulesDir: string;
  /** Files the caller places into the filesystem itself: staged as holes of their size. */
  readonly placeholders?: ReadonlySet<string>;
  /** The bytes of an encrypted home.img, when the plan has one. */
  readonly encryptedHome?: () => AsyncIterable<Buffer>;
  readonly onBytes: (bytes: number) => void;
  readonly signal?: AbortSignal;
}

/** Where to stage: $STICKWRIGHT_STAGING, else the system temp dir; it must have room. */
const STAGE_PREFIX = 'sw-stage-';

/**
 * Stages left by a writer that was killed (kill -9, a crash, power loss of the app): each is
 * named after its process, and one whose process is gone is removed, so that it neither fills
 * the disk nor makes the next write's space check fail.
 */
async function removeStaleStages(root: string): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = new RegExp(`^${STAGE_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (!pid || Number(pid) === process.pid || processAlive(Number(pid))) continue;
    await rm(path.join(root, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function stagingRoot(bytes: number): Promise<string> {
  const root = process.env.STICKWRIGHT_STAGING ?? tmpdir();
  await removeStaleStages(root);
  const info = await statfs(root);
  const free = info.bavail * info.bsize;
  if (free < bytes + 64 * 2 ** 20) {
    throw new StickwrightError('WRITE_FAILED', `staging the image needs ${bytes} bytes in ${root}, which has ${free} free; set STICKWRIGHT_STAGING to a larger directory`, {
      root,
      need: bytes,
      free,
    });
  }
  return root;
}

export async function stageTree(iso: IsoImage, plan: StickPlan, options: StageOptions): Promise<StagedTree> {
  const isoBytes = plan.liveFiles.filter((f) => f.source.kind === 'iso' && !options.placeholders?.has(f.path)).reduce((sum, f) => sum + f.size, 0);
  const dir = await mkdtemp(path.join(await stagingRoot(isoBytes), `${STAGE_PREFIX}${process.pid}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const at = (p: string) => path.join(dir, p);
    for (const d of plan.liveDirs) await mkdir(at(d), { recursive: true, mode: 0o755 });
    for (const file of plan.liveFiles) {
      if (options.signal?.aborted) throw new StickwrightError('CANCELLED', 'while staging the image');
      await mkdir(path.dirname(at(file.path)), { recursive: true });
      switch (file.source.kind) {
        case 'iso': {
          const out = await open(at(file.path), 'w', 0o644);
          if (options.placeholders?.has(file.path)) {
            await out.truncate(file.size);
            await out.close();
            break;
          }
          try {
            let offset = 0;
            for await (const chunk of iso.stream(file.source.isoPath, undefined, options.signal)) {
              await out.write(chunk, 0, chunk.length, offset);
              offset += chunk.length;
              options.onBytes(chunk.length);
            }
          } finally {
            await out.close();
          }
          break;
        }
        case 'boot-config':
          await writeFile(at(file.path), await renderBootConfig(iso, plan, file.source.firmware, file.source.isoPath));
          break;
        case 'image-meta':
          await writeFile(at(file.path), imageMetaText(plan));
          break;
        case 'overlay': {
          // Only the first chunk must read zero for dracut and the kernel (§3.1): a hole does.
          const out = await open(at(file.path), 'w', 0o600);
          await out.truncate(file.size);
          await out.close();
          break;
        }
        case 'home': {
          if (!plan.home) throw new Error('home file without a home plan');
          if (options.placeholders?.has(file.path)) {
            const out = await open(at(file.path), 'w', 0o600);
            await out.truncate(file.size);
            await out.close();
          } else if (plan.home.encrypted) {
            if (!options.encryptedHome) throw new Error('an encrypted home without its bytes');
            const out = await open(at(file.path), 'w', 0o600);
            try {
              let offset = 0;
              for await (const chunk of options.encryptedHome()) {
                await out.write(chunk, 0, chunk.length, offset);
                offset += chunk.length;
              }
            } finally {
              await out.close();
            }
          } else {
            await makeHomeImageFile(at(file.path), file.size, plan.home.uuid, options.signal);
          }
          break;
        }
      }
    }
    const modules = at('/boot/grub2/i386-pc');
    await mkdir(modules, { recursive: true });
    for (const name of await readdir(options.grubModulesDir)) {
      if (/\.(mod|lst)$/.test(name)) await copyFile(path.join(options.grubModulesDir, name), path.join(modules, name));
    }
    return { dir, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
