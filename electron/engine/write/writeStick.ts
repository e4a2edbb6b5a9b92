// Writes a persistent live stick: the phase pipeline (GUIDE.md). Every precondition is checked
// before the first byte is written; the partition table is written last, after a flush, so an
// interrupted write leaves an obviously blank stick rather than a plausible half-made one.
//
//   preflight  inspect the ISO, resolve and check the target, plan, open it exclusively
//   partition  wipe old signatures (start and end of the disk and of each partition-to-be)
//   copy       the live partition: FAT written in place, or ext4/F2FS staged then made by mke2fs/sload
//   persist    home.img and the OverlayFS image made in place (vfat); allocation (ext4)
//   boot       the ESP (the ISO's UEFI loaders + our menu), GRUB's BIOS core image
//   flush      everything to the device
//   verify     read back every range written (around the page cache) against the SHA-256 taken
//              as it was written; fsck of each filesystem, read-only
//   (commit)   MBR partition table + GRUB boot code, flushed (and read back): only now is the
//              stick a stick
import { unlink } from 'node:fs/promises';
import type { PhaseName } from '../../../shared/contract/events';
import { StickwrightError } from '../../../shared/errors';
import { planWrite } from '../../../shared/plan/planWrite';
import type { PlannedFile, StickPlan } from '../../../shared/plan/stickPlan';
import type { StickIds, WriteOptions } from '../../../shared/plan/writeOptions';
import { formatBytes } from '../../../shared/units';
import { buildGrubCoreImage } from '../boot/grubCoreImage';
import { installGrubBios } from '../boot/grubBios';
import { locateGrubPcModuleDir } from '../boot/grubPcTools';
import { DeviceFile } from '../disk/deviceFile';
import { watchDeviceWrites } from '../disk/deviceWriteCounter';
import { withLoop } from '../disk/loopDevice';
import { encodeMbr } from '../disk/mbr';
import { buildExt4 } from '../fs/ext4/buildExt4';
import { claimLeafBlocks, mapExtents, readExt4Facts, writeIntoExtents, type Ext4Facts, type PlacedFile } from '../fs/ext4/placeExt4Files';
import { buildF2fs } from '../fs/f2fs/buildF2fs';
import { planFat } from '../fs/fat/fatLayout';
import { writeFatVolume } from '../fs/fat/fatImageWriter';
import { makeHomeInPlace } from '../persist/homeImage';
import { prepareEncryptedHome, type EncryptedHome } from '../persist/encryptedHome';
import { makeOverlayFsImageInPlace } from '../persist/overlayFsImage';
import { prepareTarget, resolveTarget, type ResolvedTarget } from '../target/resolveTarget';
import { checkOpenedTarget, type TargetIdentity } from '../target/targetIdentity';
import { imageMetaText, renderBootConfig } from './bootConfigs';
import { checkFilesystem } from './fsck';
import { asWriteError } from './engineErrors';
import { IsoImage } from './isoImage';
import { ProgressMeter, type ProgressSnapshot } from './progressMeter';
import { stageTree } from './stageTree';
import { newStickIds } from './stickIds';
import { readBack, type ReadBackResult } from '../verify/readBack';
import { WriteLedger } from '../verify/writeLedger';
import { checkIsoChecksum, expectedChecksum, type ChecksumOutcome, type ChecksumRequest } from '../verify/isoChecksum';

const MiB = 2 ** 20;
/** ISO files from this size up are written straight into their ext4 blocks instead of staged. */
const DIRECT_MIN = MiB;

export interface WriteRequest {
  readonly isoPath: string;
  readonly target: string;
  /** Creates the target image file at this size when it does not exist. */
  readonly createSize?: number;
  readonly options: WriteOptions;
  /** For reproducible tests; normally drawn at random. */
  readonly ids?: StickIds;
  /** The ISO's own checksum: looked for beside it by default ('auto'). */
  readonly checksum?: ChecksumRequest;
  /** Skip the verify phase: read-back and fsck (it is on by default). */
  readonly skipVerify?: boolean;
  /** The passphrase of an encrypted home.img (the plan's home.encrypted). */
  readonly homePassphrase?: Buffer;
  /** The size the user chose the target at (the app's worker): a target of any other size is
   *  refused with TARGET_CHANGED before anything is written — a swapped stick. */
  readonly expectedSize?: number;
  /** The target as it was checked and chosen (targetIdentity.ts): the handle the pipeline opens
   *  must be that very device or file (a link re-pointed meanwhile is TARGET_CHANGED). */
  readonly expectedIdentity?: TargetIdentity | null;
  /** Plan for a target whose filesystems are mounted (the caller has the user's consent to
   *  unmount them first). Only for the check before the question: the pipeline never sets it,
   *  so after the unmount the target is checked again with nothing mounted. */
  readonly allowMounted?: boolean;
}

export interface WriteHooks {
  readonly onPhase?: (phase: PhaseName) => void;
  readonly onProgress?: (progress: ProgressSnapshot) => void;
  readonly onLog?: (message: string) => void;
  /** Test seam (T11/T12): runs after the flush, before the read-back, with the ranges written. */
  readonly beforeVerify?: (info: { readonly target: string; readonly written: ReadonlyArray<{ readonly offset: number; readonly length: number }> }) => Promise<void>;
}

export interface WriteResult {
  readonly target: string;
  readonly targetKind: 'file' | 'block';
  readonly plan: StickPlan;
  readonly elapsedMs: number;
  /** What the verify phase read back and found identical; null with skipVerify. */
  readonly verified: ReadBackResult | null;
  /** The ISO matched this checksum before anything was written; null when it had none. */
  readonly sourceChecksum: ChecksumOutcome | null;
}

/**
 * Every check of a write, and the plan, with no side effect: the ISO read, the target resolved
 * and checked (a missing image file is not created, a small one not grown), the plan made.
 * `--dry-run`, the CLI's preflight before it asks "erase?", and the pipeline's first phase.
 */
export async function planRequest(request: WriteRequest, signal?: AbortSignal): Promise<{ iso: IsoImage; target: ResolvedTarget; plan: StickPlan }> {
  const iso = await IsoImage.open(request.isoPath, signal);
  try {
    const target = await resolveTarget({ path: request.target, createSize: request.createSize, sourcePath: request.isoPath, mode: 'check', allowMounted: request.allowMounted ?? false });
    if (request.expectedSize !== undefined && (target.size !== request.expectedSize || !target.exists)) {
      throw new StickwrightError('TARGET_CHANGED', `${target.path} is ${target.exists ? `${target.size} bytes` : 'gone'}, not the ${request.expectedSize} bytes chosen`, {
        path: target.path,
        expectedSize: request.expectedSize,
        size: target.exists ? target.size : null,
      });
    }
    const result = planWrite(iso.report, target.size, request.options, request.ids ?? newStickIds());
    if (!result.ok) {
      const [first, ...rest] = result.problems;
      if (!first) throw new Error('planner failed without a problem');
      const more = rest.length ? ` (also: ${rest.map((p) => p.code).join(', ')})` : '';
      throw new StickwrightError(first.code, `${first.message}${more}`, first.data);
    }
    if (result.plan.home?.encrypted && !request.homePassphrase?.length) {
      throw new StickwrightError('OPTIONS_CONFLICT', 'an encrypted home needs a passphrase (--passphrase-file)');
    }
    return { iso, target, plan: result.plan };
  } catch (error) {
    await iso.close();
    throw error;
  }
}

export async function writeStick(request: WriteRequest, hooks: WriteHooks = {}, signal?: AbortSignal): Promise<WriteResult> {
  const state: PipelineState = { touched: false, wroteAny: false, committed: false, createdFile: null };
  try {
    return await runPipeline(request, hooks, state, signal);
  } catch (error) {
    const mapped = asWriteError(error);
    if (!(mapped instanceof StickwrightError)) throw mapped;
    // Say what state the stick is in: untouched, or wiped without a partition table. An image
    // file this run created is removed rather than left half made.
    let where = state.committed
      ? 'the stick has its partition table, but it cannot be trusted: write it again'
      : state.touched && state.wroteAny
        ? 'the target was wiped but has no partition table yet: it is blank and must be written again'
        : state.touched
          ? 'the very first write to the target failed: it may be partly wiped, has no partition table it can be trusted by, and must be written again'
          : 'nothing was written to the target';
    if (state.createdFile) {
      await unlink(state.createdFile).catch(() => undefined);
      where = `the new image file ${state.createdFile} was removed`;
    }
    throw new StickwrightError(mapped.code, `${mapped.detail ? `${mapped.detail}; ` : ''}${where}`, { ...mapped.data, targetTouched: state.touched }, { cause: mapped });
  }
}

interface PipelineState {
  touched: boolean;
  /** At least one write reached the target (the wipe starts at sector 0). */
  wroteAny: boolean;
  /** The partition table is written (the commit point passed). */
  committed: boolean;
  createdFile: string | null;
}

async function runPipeline(request: WriteRequest, hooks: WriteHooks, state: PipelineState, signal?: AbortSignal): Promise<WriteResult> {
  const started = performance.now();
  const log = (message: string) => hooks.onLog?.(message);
  let meter: ProgressMeter | null = null;
  const phase = (name: PhaseName) => {
    if (signal?.aborted) throw new StickwrightError('CANCELLED', `before the ${name} phase`);
    hooks.onPhase?.(name);
    meter?.enter(name);
  };

  phase('preflight');
  if (process.getuid?.() !== 0) {
    throw new StickwrightError('TARGET_NOT_USABLE', 'writing a stick needs root (loop devices, exclusive disk access); run it with sudo', {});
  }
  const checked = await planRequest({ ...request, allowMounted: false }, signal);
  const { iso, plan } = checked;
  // The ISO against its publisher's checksum, before the stick is touched; then, only for a plan
  // that works, the virtual stick's image file is made (or grown).
  let sourceChecksum: ChecksumOutcome | null = null;
  const target = await (async () => {
    const expected = await expectedChecksum(request.isoPath, request.checksum ?? { kind: 'auto' });
    if (expected) {
      log(`checking the ISO against ${expected.source} (${expected.algorithm.toUpperCase()})`);
      sourceChecksum = await checkIsoChecksum(request.isoPath, expected, { signal });
      log(`the ISO matches ${expected.source}`);
    } else if ((request.checksum ?? { kind: 'auto' }).kind === 'auto') {
      log('no checksum file beside the ISO: the ISO itself is not checked (give one with --checksum)');
    }
    return prepareTarget(checked.target);
  })().catch(async (error: unknown) => {
    await iso.close();
    throw error;
  });
  if (target.created) state.createdFile = target.path;
  let device: DeviceFile | null = null;
  let encryptedHome: EncryptedHome | null = null;
  try {
    log(`target ${target.path} (${target.kind}, ${formatBytes(target.size)}); live partition ${plan.partitions[0].fs} "${plan.partitions[0].label}" ${plan.partitions[0].uuid}`);
    const grubModules = await locateGrubPcModuleDir();
    const isoBytes = plan.liveFiles.filter((f) => f.source.kind === 'iso').reduce((sum, f) => sum + f.size, 0);
    const espBytes = plan.espFiles.reduce((sum, f) => sum + f.size, 0);
    // ext4: big ISO files go straight into their blocks; the rest is staged. F2FS stages
    // everything and passes its data twice (into the stage, then onto the stick).
    // An encrypted home is written in full (ciphertext), so on ext4 it is placed like an ISO file.
    const placed = new Set(
      plan.partitions[0].fs === 'ext4'
        ? plan.liveFiles.filter((f) => (f.source.kind === 'iso' && f.size >= DIRECT_MIN) || (f.source.kind === 'home' && plan.home?.encrypted)).map((f) => f.path)
        : [],
    );
    if (plan.home?.encrypted && request.homePassphrase) {
      encryptedHome = await prepareEncryptedHome(plan.home.size, plan.home.uuid, request.homePassphrase, signal);
    }
    const homeChunks = encryptedHome ? encryptedHome.chunks : undefined;
    const twice = plan.partitions[0].fs === 'f2fs';
    const cipherBytes = plan.home?.encrypted ? plan.home.size : 0;
    // The read-back covers what went through DeviceFile: not what sload.f2fs wrote (fsck does).
    const verifyBytes = request.skipVerify ? 0 : (twice ? 0 : isoBytes) + cipherBytes + espBytes;
    meter = new ProgressMeter(isoBytes * (twice ? 2 : 1) + cipherBytes + espBytes + verifyBytes + 8 * MiB, (p) => hooks.onProgress?.(p));
    device = await DeviceFile.open(target.path, { block: target.kind === 'block', size: target.size });
    // The handle, not the path: what was opened must be what the user chose.
    if (request.expectedIdentity) checkOpenedTarget(await device.stat(), request.expectedIdentity);
    const ledger = new WriteLedger();
    device.onWrite((buffer, offset) => {
      state.wroteAny = true;
      ledger.record(buffer, offset);
    });

    phase('partition');
    state.touched = true;
    await wipeSignatures(device, plan);
    await device.flush();

    const live = plan.partitions[0];
    // ext4: the filesystem is made first (small files staged), then the big files are copied in.
    phase(live.fs === 'ext4' ? 'format' : 'copy');
    if (live.fs === 'vfat') {
      await writeVfatLive(device, ledger, target.path, iso, plan, grubModules, meter, homeChunks, signal);
    } else {
      const tree = await stageTree(iso, plan, { grubModulesDir: grubModules, placeholders: placed, encryptedHome: homeChunks, onBytes: (n) => meter?.advance(n), signal });
      let ext4: { facts: Ext4Facts; files: PlacedFile[] } | null = null;
      try {
        if (live.fs === 'f2fs') phase('format');
        const base = meter.bytesDone;
        ext4 = await withLoop(
          target.path,
          live.start,
          live.size,
          async (loop) => {
            if (live.fs === 'ext4') {
              const bigFiles = plan.liveFiles.filter((f) => placed.has(f.path)).map((f) => ({ path: f.path, size: f.size }));
              const allocate = plan.liveFiles
                .filter((f) => (f.source.kind === 'overlay' || f.source.kind === 'home') && !placed.has(f.path))
                .map((f) => ({ path: f.path, size: f.size }));
              await buildExt4(loop, tree.dir, { label: live.label, uuid: live.uuid, allocate: [...bigFiles, ...allocate], signal });
              return { facts: await readExt4Facts(loop, signal), files: await mapExtents(loop, bigFiles, signal) };
            }
            const watch = watchDeviceWrites(loop, (bytes) => meter?.set(base + Math.min(bytes, isoBytes)));
            try {
              await buildF2fs(loop, tree.dir, { label: live.label, uuid: live.uuid, signal });
            } finally {
              await watch.stop();
            }
            meter?.set(base + isoBytes);
            return null;
          },
          signal,
        );
        // mke2fs/sload wrote the whole partition through the loop device, past the ledger.
        ledger.forget(live.start, live.size);
      } finally {
        await tree.remove();
      }
      if (ext4) {
        // The loop device is gone (its cache with it); the rest goes straight to the target.
        phase('copy');
        await claimLeafBlocks(device, live.start, ext4.facts, ext4.files);
        for (const file of ext4.files) {
          const source = plan.liveFiles.find((f) => f.path === file.path)?.source;
          const chunks = source?.kind === 'iso' ? iso.stream(source.isoPath, undefined, signal) : source?.kind === 'home' && homeChunks ? homeChunks() : null;
          if (!chunks) throw new Error(`no source for ${file.path}`);
          await writeIntoExtents(device, live.start, file, chunks, (n) => meter?.advance(n));
        }
      }
    }

    phase('boot');
    await writeEsp(device, iso, plan, meter, signal);
    const core = await buildGrubCoreImage({
      fsModule: live.fs === 'ext4' ? 'ext2' : live.fs === 'vfat' ? 'fat' : 'f2fs',
      partitionTable: 'msdos',
      rootUuid: live.uuid,
      configPath: plan.boot.bios.configPath,
      firstPartitionLba: live.start / 512,
      signal,
    });

    phase('flush');
    await device.flush();

    let verified: ReadBackResult | null = null;
    if (!request.skipVerify) {
      phase('verify');
      const written = ledger.final();
      await hooks.beforeVerify?.({ target: target.path, written: written.map(({ offset, length }) => ({ offset, length })) });
      const writtenBytes = written.reduce((sum, e) => sum + e.length, 0);
      const scale = writtenBytes > 0 ? verifyBytes / writtenBytes : 0;
      verified = await readBack(target.path, target.size, written, { block: target.kind === 'block', onBytes: (n) => meter?.advance(Math.round(n * scale)), signal });
      log(`verify: read back ${formatBytes(verified.bytes)} in ${verified.ranges} ranges${verified.direct ? '' : ' (through the page cache: the system refused O_DIRECT)'}: identical`);
      await checkFilesystem(target.path, live.start, live.size, live.fs, 'live', signal);
      const esp = plan.partitions[1];
      await checkFilesystem(target.path, esp.start, esp.size, 'vfat', 'EFI system', signal);
    }

    // Commit: only now does the stick get a partition table and boot code.
    if (signal?.aborted) throw new StickwrightError('CANCELLED', 'before the partition table was written');
    const table = encodeMbr(
      plan.partitions.map((p) => ({ start: p.start, size: p.size, type: p.mbrType, bootable: p.bootable })),
      Number.parseInt(plan.table.diskSignature, 16),
    );
    const commitMark = ledger.mark();
    await device.write(table, 0);
    state.committed = true;
    await installGrubBios(device, { coreImage: core, firstPartitionLba: live.start / 512, moduleDir: grubModules });
    await device.flush();
    if (verified) {
      const boot = await readBack(target.path, target.size, ledger.final(commitMark), { block: target.kind === 'block', signal });
      verified = { ...verified, bytes: verified.bytes + boot.bytes, ranges: verified.ranges + boot.ranges };
    }
    meter.set(meter.total);
    log(`done: ${target.path}`);
    return { target: target.path, targetKind: target.kind, plan, elapsedMs: Math.round(performance.now() - started), verified, sourceChecksum };
  } finally {
    await device?.close();
    await iso.close();
    await encryptedHome?.dispose();
  }
}

/** Zeroes the old partition table, GPT backup and the first and last MiB of each partition-to-be,
 *  so no stale signature (iso9660, LVM, an old filesystem) confuses blkid or the firmware. */
async function wipeSignatures(device: DeviceFile, plan: StickPlan): Promise<void> {
  const zero = Buffer.alloc(MiB);
  const ranges = [0, Math.max(0, plan.targetSize - MiB)];
  for (const p of plan.partitions) ranges.push(p.start, p.start + p.size - MiB);
  // The gap before partition 1 holds GRUB's core image; clear it too.
  for (let at = MiB; at < plan.partitions[0].start; at += MiB) ranges.push(at);
  for (const at of [...new Set(ranges)].sort((a, b) => a - b)) await device.write(zero, at);
}

/** A vfat live partition: our FAT writer puts every file in place in one pass. */
async function writeVfatLive(
  device: DeviceFile,
  ledger: WriteLedger,
  targetPath: string,
  iso: IsoImage,
  plan: StickPlan,
  grubModules: string,
  meter: ProgressMeter,
  homeChunks: (() => AsyncIterable<Buffer>) | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const live = plan.partitions[0];
  const { readdir, readFile } = await import('node:fs/promises');
  const modules = (await readdir(grubModules)).filter((name) => /\.(mod|lst)$/.test(name)).sort();
  const moduleBytes = new Map<string, Buffer>();
  for (const name of modules) moduleBytes.set(`/boot/grub2/i386-pc/${name}`, await readFile(`${grubModules}/${name}`));
  const configs = new Map<string, Buffer>();
  for (const file of plan.liveFiles) {
    if (file.source.kind === 'boot-config') configs.set(file.path, Buffer.from(await renderBootConfig(iso, plan, file.source.firmware, file.source.isoPath)));
    if (file.source.kind === 'image-meta') configs.set(file.path, Buffer.from(imageMetaText(plan)));
  }
  const sizeOf = (file: PlannedFile) => configs.get(file.path)?.length ?? file.size;
  const layout = planFat({
    volumeSize: live.size,
    label: live.label,
    volumeId: Number.parseInt(live.uuid.replace('-', ''), 16),
    hiddenSectors: live.start / 512,
    fatType: 'FAT32',
    directories: [...plan.liveDirs],
    files: [
      ...plan.liveFiles.map((file) => ({
        path: file.path,
        size: sizeOf(file),
        alignment: MiB,
        content:
          file.source.kind === 'overlay'
            ? plan.persistence.kind === 'dm-snapshot'
              ? ({ kind: 'reserve', zeroHead: Math.min(MiB, file.size) } as const)
              : ({ kind: 'external' } as const)
            : file.source.kind === 'home' && !plan.home?.encrypted
              ? ({ kind: 'external' } as const)
              : ({ kind: 'stream' } as const),
      })),
      ...[...moduleBytes].map(([path, bytes]) => ({ path, size: bytes.length })),
    ],
  });
  const sink = { write: (buffer: Buffer, offset: number) => device.write(buffer, live.start + offset) };
  let last = 0;
  await writeFatVolume(
    sink,
    layout,
    (path) => {
      const fixed = configs.get(path) ?? moduleBytes.get(path);
      if (fixed) return [fixed];
      const file = plan.liveFiles.find((f) => f.path === path);
      if (file?.source.kind === 'home' && homeChunks) return homeChunks();
      if (!file || file.source.kind !== 'iso') throw new Error(`no content for ${path}`);
      return iso.stream(file.source.isoPath, undefined, signal);
    },
    {
      signal,
      onProgress: ({ bytesWritten }) => {
        meter.advance(bytesWritten - last);
        last = bytesWritten;
      },
    },
  );
  // persist: what lives inside files of the FAT is made in place, at the file's offset.
  for (const placed of layout.files) {
    const planned = plan.liveFiles.find((f) => f.path === placed.path);
    if (!planned) continue;
    if (planned.source.kind === 'overlay' && plan.persistence.kind === 'dm-snapshot') {
      // The end too: stale signatures there could make blkid call the file something (§5.3).
      await device.write(Buffer.alloc(Math.min(MiB, placed.size)), live.start + placed.offset + placed.size - Math.min(MiB, placed.size));
    } else if (planned.source.kind === 'overlay' && plan.persistence.kind === 'overlayfs-image') {
      await withLoop(targetPath, live.start, live.size, (loop) => makeOverlayFsImageInPlace(loop, placed.offset, placed.size, signal), signal);
      ledger.forget(live.start + placed.offset, placed.size);
    } else if (planned.source.kind === 'home' && plan.home && !plan.home.encrypted) {
      const home = plan.home;
      await withLoop(targetPath, live.start, live.size, (loop) => makeHomeInPlace(loop, placed.offset, placed.size, home.uuid, signal), signal);
      ledger.forget(live.start + placed.offset, placed.size);
    }
  }
}

/** The ESP: the ISO's UEFI loaders (Secure Boot keeps working with its own shim/GRUB) and our menu. */
async function writeEsp(device: DeviceFile, iso: IsoImage, plan: StickPlan, meter: ProgressMeter, signal?: AbortSignal): Promise<void> {
  const esp = plan.partitions[1];
  const configs = new Map<string, Buffer>();
  for (const file of plan.espFiles) {
    if (file.source.kind === 'boot-config') configs.set(file.path, Buffer.from(await renderBootConfig(iso, plan, file.source.firmware, file.source.isoPath)));
  }
  const layout = planFat({
    volumeSize: esp.size,
    label: esp.label,
    volumeId: Number.parseInt(esp.uuid.replace('-', ''), 16),
    hiddenSectors: esp.start / 512,
    files: plan.espFiles.map((f) => ({ path: f.path, size: configs.get(f.path)?.length ?? f.size })),
  });
  let last = 0;
  await writeFatVolume(
    { write: (buffer, offset) => device.write(buffer, esp.start + offset) },
    layout,
    (path) => {
      const fixed = configs.get(path);
      if (fixed) return [fixed];
      const file = plan.espFiles.find((f) => f.path === path);
      if (!file || file.source.kind !== 'iso') throw new Error(`no content for ${path}`);
      return iso.stream(file.source.isoPath, undefined, signal);
    },
    {
      signal,
      onProgress: ({ bytesWritten }) => {
        meter.advance(bytesWritten - last);
        last = bytesWritten;
      },
    },
  );
}

