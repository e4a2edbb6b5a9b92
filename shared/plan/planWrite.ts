// The planner: ISO facts + target size + options → the whole stick, or the problems a person can
// act on. Pure and instant: the GUI calls it on every slider move, the worker again before it
// writes (and then executes exactly this plan).
import type { IsoReport } from '../contract/isoReport';
import type { ErrorCode, ErrorData } from '../errors';
import { formatBytes } from '../units';
import { biosConfigSource, bootFiles, stripGrubDevice, uefiConfigSource } from './bootSources';
import { allocatedBytes, partitionSizeFor, usableBytes } from './filesystemOverhead';
import { IMAGE_META_FILE, imageNameFromTitle, ownKernelArgs, type ImageMeta } from './imageMeta';
import { rewriteKernelArgs, type LiveArgs } from './kernelArgs';
import { normaliseLabel } from './labels';
import type { PersistencePlan, PlanProblem, PlanResult, PlannedBootEntry, PlannedFile, PlannedPartition, StickPlan } from './stickPlan';
import type { StickIds, WriteOptions } from './writeOptions';

const MiB = 2 ** 20;
/** Partition alignment: livecd-iso-to-disk uses 4 MiB (its `oio` fallback), good for flash erase blocks. */
export const ALIGN = 4 * MiB;
/** FAT32 cannot hold a file of 4 GiB; livecd-iso-to-disk shaves exactly 4096 MiB by 512 bytes. */
export const VFAT_MAX_FILE = 4 * 2 ** 30 - 512;
/** Our BIOS GRUB's module directory and the rewritten menus on the live partition. */
const BOOT_LOADER_ALLOWANCE = 8 * MiB;
/** Never fill the live filesystem completely: livesys, logs and the next add need room. */
const MIN_FREE = 16 * MiB;
const MIN_ESP = 32 * MiB;
const HOME_MIN = 16 * MiB;
const OVERLAY_MIN = 16 * MiB;

const MBR_TYPE = { ext4: 0x83, f2fs: 0x83, vfat: 0x0c, esp: 0xef } as const;

export function planWrite(report: IsoReport, targetSize: number, options: WriteOptions, ids: StickIds): PlanResult {
  const problems: PlanProblem[] = [];
  const problem = (code: ErrorCode, message: string, data: ErrorData = {}) => problems.push({ code, message, data });
  const notes: string[] = [];
  const { layout } = report;
  const fs = options.fs;

  if (layout.family !== 'dracut-liveos') {
    if (layout.family === 'raw-only' || layout.family === 'unknown') {
      problem('NO_LIVE_LAYOUT', `${report.path} has no live layout (${layout.family}); it can only be written byte for byte.`, { family: layout.family });
    } else {
      problem('FAMILY_NOT_SUPPORTED', `Persistence for ${layout.family} images is not supported yet.`, { family: layout.family });
    }
    return { ok: false, problems };
  }
  const liveDir = layout.liveDir ?? 'LiveOS';

  const label = normaliseLabel(options.label, fs);
  if (!label.ok) problem('LABEL_INVALID', `The label cannot be used: ${label.reason}.`, { label: options.label, fs });
  const liveLabel = label.ok ? label.label : options.label;
  if (label.ok && label.changed) notes.push(`vfat stores labels in capitals: the stick will be labelled ${liveLabel}.`);

  // --- persistence -------------------------------------------------------------------------
  const flat = layout.rootImage?.contents !== 'nested-rootfs';
  const uuid = fs === 'vfat' ? `${ids.liveVolumeId.slice(0, 4)}-${ids.liveVolumeId.slice(4)}` : ids.fsUuid;
  const overlayName = `/${liveDir}/overlay-${liveLabel}-${uuid}`;
  let persistence: PersistencePlan;
  if (options.overlaySize === 0) {
    persistence = { kind: 'none', reason: 'No overlay size was given: system changes are lost at power-off.' };
    if (options.overlayKind !== 'auto') problem('OPTIONS_CONFLICT', `An overlay kind (${options.overlayKind}) was chosen but the overlay size is 0.`);
  } else if (flat && options.overlayKind === 'dm-snapshot') {
    problem(
      'OPTIONS_CONFLICT',
      `${layout.rootImage?.path ?? 'The root image'} holds the root filesystem directly (flat), so dracut can only use an OverlayFS overlay, not a device-mapper snapshot.`,
    );
    persistence = { kind: 'none', reason: 'conflict' };
  } else if (flat || options.overlayKind === 'overlayfs') {
    const why = flat
      ? `${layout.rootImage?.path ?? 'The root image'} is flat (the root filesystem directly inside), which dracut can only overlay with OverlayFS.`
      : 'OverlayFS was chosen.';
    if (fs === 'vfat') {
      // vfat has no xattrs or d_type: the upper and work dirs live in an ext4 image file (§1.4).
      persistence = { kind: 'overlayfs-image', path: overlayName, size: options.overlaySize, reason: `${why} On vfat it lives in an ext4 image file.` };
    } else {
      persistence = { kind: 'overlayfs-dir', path: overlayName, workPath: `/${liveDir}/ovlwork`, reason: `${why} On ${fs} it is a directory that can use all free space.` };
      notes.push(`The OverlayFS overlay grows into the free space of the ${fs} filesystem; the overlay size only sets how much space is kept free for it.`);
    }
  } else {
    const size = overflowSafeOverlaySize(options.overlaySize);
    if (size !== options.overlaySize) {
      notes.push('The overlay file is 4 KiB smaller than asked, so that when it fills up the kernel reports "Overflow" (recoverable) rather than marking it invalid.');
    }
    persistence = {
      kind: 'dm-snapshot',
      path: overlayName,
      size,
      reason: 'A device-mapper snapshot overlay file, as livecd-iso-to-disk makes by default.',
    };
  }
  if (options.overlaySize > 0 && options.overlaySize < OVERLAY_MIN) problem('OPTIONS_CONFLICT', `An overlay of ${formatBytes(options.overlaySize)} is too small to be useful; give at least 16 MiB.`);
  if (options.homeSize % 4096 !== 0) problem('OPTIONS_CONFLICT', `The home size must be a whole number of 4 KiB blocks (${options.homeSize} bytes is not).`);
  if (options.homeSize > 0 && options.homeSize < HOME_MIN) problem('OPTIONS_CONFLICT', `A home of ${formatBytes(options.homeSize)} is too small; give at least 16 MiB.`);
  if (options.encryptHome && options.homeSize === 0) problem('OPTIONS_CONFLICT', 'Home encryption was asked for, but no home size was given.');

  // --- files ---------------------------------------------------------------------------------
  const entriesByPath = new Map(report.files.entries.map((f) => [f.path, f]));
  const livePrefix = `/${liveDir}/`.toLowerCase();
  const liveImageFiles = report.files.entries.filter((f) => f.path.toLowerCase().startsWith(livePrefix) && !isOurs(f.path, liveDir));
  const bootNeeded = bootFiles(report).filter((p) => !p.toLowerCase().startsWith(livePrefix));
  const liveFiles: PlannedFile[] = [
    // Largest first: the big squashfs is one long sequential copy at the start of the data area.
    ...[...liveImageFiles].sort((a, b) => b.size - a.size).map((f) => ({ path: f.path, size: f.size, source: { kind: 'iso', isoPath: f.path } as const })),
    ...bootNeeded.map((p) => ({ path: p, size: entriesByPath.get(p)?.size ?? 0, source: { kind: 'iso', isoPath: p } as const })),
  ];
  const bios = biosConfigSource(report);
  liveFiles.push({ path: '/boot/grub2/grub.cfg', size: 0, source: { kind: 'boot-config', firmware: 'bios', isoPath: bios?.path ?? null } });
  if (persistence.kind === 'dm-snapshot' || persistence.kind === 'overlayfs-image') {
    liveFiles.push({ path: persistence.path, size: persistence.size, source: { kind: 'overlay' } });
  }
  const home =
    options.homeSize > 0 ? { path: `/${liveDir}/home.img`, size: options.homeSize, encrypted: options.encryptHome, uuid: ids.homeUuid } : null;
  if (home) liveFiles.push({ path: home.path, size: home.size, source: { kind: 'home' } });
  liveFiles.push({ path: `/${liveDir}/${IMAGE_META_FILE}`, size: 0, source: { kind: 'image-meta' } });
  if (!bios && report.bootConfigs.every((c) => c.kind !== 'grub')) {
    problem('NO_LIVE_LAYOUT', 'The image has no GRUB configuration to build the boot menus from.');
  }
  if (bootNeeded.length === 0) problem('NO_LIVE_LAYOUT', 'No boot entry of the image names a kernel that exists in it.');

  const efiPrefix = '/efi/boot/';
  const espFiles: PlannedFile[] = report.files.entries
    .filter((f) => f.path.toLowerCase().startsWith(efiPrefix) && !/\/(grub\.cfg|boot\.conf)$/i.test(f.path))
    .map((f) => ({ path: `/EFI/BOOT/${f.path.slice(efiPrefix.length)}`, size: f.size, source: { kind: 'iso', isoPath: f.path } as const }));
  const uefi = uefiConfigSource(report);
  espFiles.push({ path: '/EFI/BOOT/grub.cfg', size: 0, source: { kind: 'boot-config', firmware: 'uefi', isoPath: uefi?.path ?? bios?.path ?? null } });
  const grubLoaders = report.efiLoaders.filter((l) => l.kind === 'grub');
  if (grubLoaders.length === 0) {
    problem('NO_LIVE_LAYOUT', 'The image has no GRUB UEFI loader in /EFI/BOOT to start the stick with.');
  } else {
    const readsFs = new Set(grubLoaders.flatMap((l) => l.filesystems));
    if (!readsFs.has(fs)) {
      problem('UEFI_CANNOT_READ_FS', `The image's UEFI GRUB cannot read ${fs}; it reads ${[...readsFs].join(', ') || 'nothing we know'}.`, {
        fs,
        reads: [...readsFs].join(','),
      });
    }
  }

  if (fs === 'vfat') {
    for (const file of liveFiles) {
      if (file.size > VFAT_MAX_FILE) {
        problem('VFAT_FILE_TOO_LARGE', `${file.path} would be ${formatBytes(file.size)}; vfat holds at most 4 GiB − 512 bytes per file.`, {
          path: file.path,
          size: file.size,
          limit: VFAT_MAX_FILE,
        });
      }
    }
  }

  // --- geometry --------------------------------------------------------------------------------
  const espContent = espFiles.reduce((sum, f) => sum + allocatedBytes(f.size), 0) + 64 * 1024;
  const espSize = roundUp(Math.max(MIN_ESP, 2 * espContent + 8 * MiB), ALIGN);
  const liveStart = ALIGN; // the MBR gap below holds GRUB's core image (BIOS)
  const espStart = Math.floor((targetSize - MiB - espSize) / ALIGN) * ALIGN;
  const liveSize = espStart - liveStart;
  const liveImage = liveFiles.filter((f) => f.source.kind === 'iso').reduce((sum, f) => sum + allocatedBytes(f.size), 0);
  const persistenceBytes =
    (persistence.kind === 'dm-snapshot' || persistence.kind === 'overlayfs-image' ? allocatedBytes(persistence.size) : 0) +
    (persistence.kind === 'overlayfs-dir' ? allocatedBytes(options.overlaySize) : 0) +
    (home ? allocatedBytes(home.size) : 0);
  const usable = liveSize > 0 ? usableBytes(fs, liveSize) : 0;
  const needed = liveImage + persistenceBytes + BOOT_LOADER_ALLOWANCE + MIN_FREE;
  if (needed > usable) {
    // Partition 1 starts at ALIGN, the ESP ends ≥ 1 MiB before the end on an ALIGN boundary.
    const minTarget = roundUp(liveStart + partitionSizeFor(fs, needed) + espSize + MiB, ALIGN) + ALIGN;
    problem(
      'TARGET_TOO_SMALL',
      `The stick needs at least ${formatBytes(minTarget)} for this image with this persistence; the target has ${formatBytes(targetSize)} (${formatBytes(Math.max(0, minTarget - targetSize))} short).`,
      { needBytes: minTarget, haveBytes: targetSize, shortBy: Math.max(0, minTarget - targetSize) },
    );
  }

  if (problems.length > 0) return { ok: false, problems };

  const partitions: [PlannedPartition, PlannedPartition] = [
    { index: 1, role: 'live', start: liveStart, size: liveSize, mbrType: MBR_TYPE[fs], bootable: true, fs, label: liveLabel, uuid },
    {
      index: 2,
      role: 'esp',
      start: espStart,
      size: espSize,
      mbrType: MBR_TYPE.esp,
      bootable: false,
      fs: 'vfat',
      label: 'ESP',
      uuid: `${ids.espVolumeId.slice(0, 4)}-${ids.espVolumeId.slice(4)}`,
    },
  ];

  const rootSpec = `UUID=${uuid}`;
  const liveArgs: LiveArgs = {
    rootSpec,
    liveDir,
    overlay: persistence.kind === 'none' ? null : { spec: rootSpec, overlayfs: persistence.kind !== 'dm-snapshot' },
    fsType: fs,
  };
  const menuSource = bios ?? uefi;
  const entries: PlannedBootEntry[] = (menuSource?.entries ?? [])
    .filter((e) => e.kernel)
    .map((e) => ({
      title: e.title,
      kernel: e.kernel ?? '',
      initrd: e.initrd,
      cmdline: rewriteKernelArgs(e.cmdline, liveArgs),
      isDefault: e.isDefault,
    }));

  const first = menuSource?.entries.find((e) => e.kernel && e.isDefault) ?? menuSource?.entries.find((e) => e.kernel);
  const image: ImageMeta | undefined = first?.kernel
    ? {
        version: 1,
        name: imageNameFromTitle(first.title),
        dir: liveDir,
        kernel: stripGrubDevice(first.kernel),
        initrd: first.initrd.map(stripGrubDevice),
        args: ownKernelArgs(first.cmdline),
        isoLabel: report.volume.label || null,
        family: layout.family,
        addedAt: null,
      }
    : undefined;

  const liveDirs = new Set<string>();
  for (const file of liveFiles) for (const dir of parents(file.path)) liveDirs.add(dir);
  liveDirs.add('/boot/grub2/i386-pc');
  if (persistence.kind === 'overlayfs-dir') {
    liveDirs.add(persistence.path);
    liveDirs.add(persistence.workPath);
  }
  if (persistence.kind !== 'none') notes.push(persistence.reason);
  if (home) notes.push(`${home.path}: a separate ext4 home of ${formatBytes(home.size)}, mounted on /home by the live system's livesys service.`);

  const plan: StickPlan = {
    targetSize,
    table: { kind: 'mbr', diskSignature: ids.diskSignature },
    partitions,
    liveDir,
    liveFiles,
    liveDirs: [...liveDirs].sort(),
    espFiles,
    persistence,
    home,
    boot: {
      bios: { loader: 'grub-i386-pc', configPath: '/boot/grub2/grub.cfg' },
      uefi: { loaders: grubLoaders.map((l) => l.path), configPath: '/EFI/BOOT/grub.cfg', readsFs: [...new Set(grubLoaders.flatMap((l) => l.filesystems))] },
      rootSpec,
      entries,
    },
    space: { usable, liveImage, persistence: persistenceBytes, bootFiles: BOOT_LOADER_ALLOWANCE, free: usable - liveImage - persistenceBytes - BOOT_LOADER_ALLOWANCE },
    notes,
    ...(image ? { image } : {}),
  };
  return { ok: true, plan };
}

/**
 * dm-snap-persistent.c lays a COW file out as header, then groups of one metadata chunk and 256
 * data chunks (4 KiB chunks, dracut's `PO 8`). When the file ends exactly at the end of a group,
 * filling the last group makes the kernel zero the next metadata area — past the end of the
 * file: that write fails and the snapshot is marked Invalid for good, instead of the "Overflow"
 * the PO table asks for. That happens when (chunks − 1) is a multiple of 257, e.g. for exactly
 * 256 MiB; one chunk less avoids it.
 */
export function overflowSafeOverlaySize(size: number): number {
  const chunks = Math.floor(size / 4096);
  return chunks > 1 && (chunks - 1) % 257 === 0 ? size - 4096 : size;
}

/** Files of an earlier stick that an ISO would never carry but that must not be copied over. */
function isOurs(path: string, liveDir: string): boolean {
  const name = path.slice(liveDir.length + 2);
  return /^overlay-/.test(name) || name === 'home.img' || name === 'ovlwork' || name === IMAGE_META_FILE;
}

function parents(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  const dirs: string[] = [];
  for (let i = 1; i < parts.length; i += 1) dirs.push(`/${parts.slice(0, i).join('/')}`);
  return dirs;
}

function roundUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}
