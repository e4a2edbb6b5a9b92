// Which live-media family an ISO belongs to, where its root image is, which kernel the default
// boot entry starts, and which persistence mechanisms can work with it.
import type { BootConfig, BootEntry, FileRef, Layout, LiveFamily, PersistenceKind, RootImage } from '../../../shared/contract/isoReport';
import type { IsoEntry, IsoFileSystem } from '../iso/isoFileSystem';
import { findIsoFile } from './isoConfigText';
import type { RootImagePeek } from './rootImage';

export interface LayoutInput {
  readonly fs: IsoFileSystem;
  readonly bootConfigs: readonly BootConfig[];
  /** The image carries an MBR or GPT, so writing it byte for byte gives a bootable stick. */
  readonly hybrid: boolean;
  /** Looks inside a root image; skipped (null) when the caller asked for a quick inspection. */
  readonly peekRootImage: ((entry: IsoEntry) => Promise<RootImagePeek>) | null;
}

/** Kernel arguments that name a family (dracut.cmdline(7), live-boot(7), casper(7), archiso). */
const FAMILY_ARGUMENTS: readonly [LiveFamily, RegExp][] = [
  ['dracut-liveos', /(^|\s)(root=live:|rd\.live\.image(\s|$))/u],
  ['debian-live', /(^|\s)boot=live(\s|$)/u],
  ['ubuntu-casper', /(^|\s)boot=casper(\s|$)/u],
  ['arch-archiso', /(^|\s)archisobasedir=/u],
];

const PERSISTENCE: Readonly<Record<LiveFamily, PersistenceKind[]>> = {
  'dracut-liveos': ['dm-snapshot', 'overlayfs'],
  'debian-live': ['debian-persistence'],
  'ubuntu-casper': ['casper-rw'],
  'arch-archiso': ['archiso-cow'],
  'raw-only': [],
  unknown: [],
};

const LIVE_DIRS: Readonly<Record<LiveFamily, string | null>> = {
  'dracut-liveos': 'LiveOS',
  'debian-live': 'live',
  'ubuntu-casper': 'casper',
  'arch-archiso': 'arch',
  'raw-only': null,
  unknown: null,
};

export async function detectLayout(input: LayoutInput): Promise<Layout> {
  const { fs } = input;
  const notes: string[] = [];
  const cmdlines = input.bootConfigs.flatMap((config) => config.entries.map((entry) => entry.cmdline));
  const argument = (name: string): string | null => {
    for (const cmdline of cmdlines) {
      const match = new RegExp(`(?:^|\\s)${name.replace(/\./gu, '\\.')}=(\\S+)`, 'u').exec(cmdline);
      if (match?.[1]) return match[1];
    }
    return null;
  };

  // Candidates for each family's root image, from the files on the ISO.
  const liveOsDir = argument('rd.live.dir') ?? 'LiveOS';
  const squashName = argument('rd.live.squashimg') ?? 'squashfs.img';
  const dracutImage =
    (await findIsoFile(fs, `/${liveOsDir}/${squashName}`)) ?? (await findIsoFile(fs, `/${liveOsDir}/rootfs.img`));
  const debianDir = (argument('live-media-path') ?? '/live').replace(/^\/*|\/*$/gu, '');
  const debianImage = (await findIsoFile(fs, `/${debianDir}/filesystem.squashfs`)) ?? (await firstWithSuffix(fs, `/${debianDir}`, ['.squashfs']));
  const casperImage =
    (await findIsoFile(fs, '/casper/filesystem.squashfs')) ??
    (await findIsoFile(fs, '/casper/minimal.squashfs')) ??
    (await firstWithSuffix(fs, '/casper', ['.squashfs']));
  const archDir = argument('archisobasedir') ?? 'arch';
  const archImage = await findArchRoot(fs, archDir);

  const byFiles: [LiveFamily, IsoEntry | null][] = [
    ['dracut-liveos', dracutImage],
    ['debian-live', debianImage],
    ['ubuntu-casper', casperImage],
    ['arch-archiso', archImage],
  ];
  let family: LiveFamily | null = null;
  let rootEntry: IsoEntry | null = null;
  for (const [candidate, entry] of byFiles) {
    if (entry) {
      family = candidate;
      rootEntry = entry;
      notes.push(`Found ${entry.path}: the layout of ${FAMILY_NAMES[candidate]}.`);
      break;
    }
  }
  if (!family) {
    for (const [candidate, pattern] of FAMILY_ARGUMENTS) {
      if (cmdlines.some((cmdline) => pattern.test(cmdline))) {
        family = candidate;
        notes.push(`The kernel command line is that of ${FAMILY_NAMES[candidate]}, but its root image was not found on the ISO.`);
        break;
      }
    }
  }
  if (!family) {
    family = input.hybrid ? 'raw-only' : 'unknown';
    notes.push(
      input.hybrid
        ? 'No known live layout (LiveOS, live, casper, arch) was found, but the image has a hybrid partition table: it can only be written to a stick byte for byte, without persistence.'
        : 'No known live layout was found and the image has no hybrid partition table, so it is unlikely to boot from a USB stick.',
    );
  }

  let rootImage: RootImage | null = null;
  if (rootEntry && input.peekRootImage) {
    const peek = await input.peekRootImage(rootEntry);
    rootImage = peek.rootImage;
    notes.push(...peek.notes);
  }

  let persistence = [...PERSISTENCE[family]];
  if (family === 'dracut-liveos') persistence = dracutPersistence(rootImage, notes);
  if (family === 'raw-only' || family === 'unknown') persistence = [];

  const { kernel, initrd } = await defaultKernel(fs, input.bootConfigs, notes);
  const liveDir = family === 'dracut-liveos' ? liveOsDir : family === 'debian-live' ? debianDir : family === 'arch-archiso' ? archDir : LIVE_DIRS[family];
  return {
    family,
    variant: await detectVariant(fs, family),
    liveDir,
    rootImage,
    kernel,
    initrd,
    persistence,
    notes,
  };
}

const FAMILY_NAMES: Readonly<Record<LiveFamily, string>> = {
  'dracut-liveos': 'a dracut live image (Fedora and relatives)',
  'debian-live': 'a Debian live-boot image',
  'ubuntu-casper': 'an Ubuntu casper image',
  'arch-archiso': 'an Arch Linux archiso image',
  'raw-only': 'a raw hybrid image',
  unknown: 'an unknown image',
};

/**
 * dracut (dmsquash-live-root.sh, NG L348-357): a nested squashfs holding LiveOS/rootfs.img can
 * carry a device-mapper snapshot or OverlayFS; a flat image (or EROFS) forces OverlayFS.
 */
function dracutPersistence(rootImage: RootImage | null, notes: string[]): PersistenceKind[] {
  if (!rootImage) return ['dm-snapshot', 'overlayfs'];
  if (rootImage.format === 'ext4') {
    notes.push(`${rootImage.path} is a bare ext4 root filesystem, which dracut uses directly as the base, so both a device-mapper snapshot and OverlayFS can be used.`);
    return ['dm-snapshot', 'overlayfs'];
  }
  if (rootImage.contents === 'nested-rootfs') {
    notes.push(`${rootImage.path} holds LiveOS/rootfs.img (the nested layout), so both a device-mapper snapshot overlay and OverlayFS work.`);
    return ['dm-snapshot', 'overlayfs'];
  }
  const what = rootImage.format === 'erofs' ? 'an EROFS image with the root filesystem directly inside' : 'a flat image (the root filesystem directly inside)';
  if (rootImage.contents === 'flat') {
    notes.push(
      `${rootImage.path} is ${what}: dracut mounts such images only with OverlayFS (dmsquash-live-root.sh treats a squashfs with /usr, /ostree or /proc at its root as flat and requires OverlayFS), so device-mapper snapshot persistence is impossible.`,
    );
    return ['overlayfs'];
  }
  notes.push(`Could not tell whether ${rootImage.path} is nested or flat; OverlayFS persistence works for both, so only it is offered.`);
  return ['overlayfs'];
}

async function detectVariant(fs: IsoFileSystem, family: LiveFamily): Promise<string | null> {
  if (family !== 'dracut-liveos') return null;
  // KIWI puts kernel and initrd in /boot/<arch>/loader/ (kiwi/defaults.py, live.py).
  for (const entry of await fs.list('/boot')) {
    if (entry.kind === 'directory' && (await fs.lookup(`${entry.path}/loader`))?.kind === 'directory') return 'kiwi';
  }
  const pxeboot = await fs.lookup('/images/pxeboot', { caseInsensitive: true });
  const grub2 = await fs.lookup('/boot/grub2', { caseInsensitive: true });
  const isolinux = await fs.lookup('/isolinux', { caseInsensitive: true });
  if (pxeboot || (grub2 && isolinux)) return 'lorax';
  if (isolinux) return 'livecd-creator';
  return null;
}

/** archiso: /<archisobasedir>/<arch>/airootfs.sfs or airootfs.erofs (archiso/initcpio/hooks/archiso). */
async function findArchRoot(fs: IsoFileSystem, archDir: string): Promise<IsoEntry | null> {
  const dirs = (await fs.list(`/${archDir}`)).filter((entry) => entry.kind === 'directory');
  dirs.sort((a, b) => (a.name === 'x86_64' ? -1 : b.name === 'x86_64' ? 1 : 0));
  for (const dir of dirs) {
    for (const name of ['airootfs.sfs', 'airootfs.erofs']) {
      const entry = await findIsoFile(fs, `${dir.path}/${name}`);
      if (entry) return entry;
    }
  }
  return null;
}

async function firstWithSuffix(fs: IsoFileSystem, dir: string, suffixes: string[]): Promise<IsoEntry | null> {
  const entries = await fs.list(dir);
  return entries.find((entry) => entry.kind === 'file' && suffixes.some((suffix) => entry.name.toLowerCase().endsWith(suffix))) ?? null;
}

/**
 * The kernel and initrd of the default boot entry: GRUB for UEFI first (what most machines
 * boot today), then BIOS GRUB, ISOLINUX, the EFI image's config. Only files that exist count.
 */
async function defaultKernel(
  fs: IsoFileSystem,
  configs: readonly BootConfig[],
  notes: string[],
): Promise<{ kernel: FileRef | null; initrd: FileRef | null }> {
  const order = (config: BootConfig): number =>
    config.kind === 'grub' ? (config.firmware === 'uefi' ? 0 : 1) : config.kind === 'efi-image' ? 3 : 2;
  const sorted = [...configs].sort((a, b) => order(a) - order(b));
  const linuxEntry = (entry: BootEntry): boolean => entry.kernel !== null && !/\.(c32|efi|bin|com)$/iu.test(entry.kernel);
  const candidates = [
    ...sorted.flatMap((config) => config.entries.filter((entry) => entry.isDefault && linuxEntry(entry))),
    ...sorted.flatMap((config) => config.entries.filter((entry) => linuxEntry(entry))),
  ];
  for (const entry of candidates) {
    const kernel = entry.kernel ? await findIsoFile(fs, entry.kernel) : null;
    if (!kernel) continue;
    // Microcode images come first on archiso and others; the initramfs is what a person means.
    const initrdPath = entry.initrd.find((path) => !/ucode/iu.test(path)) ?? entry.initrd[0];
    const initrd = initrdPath ? await findIsoFile(fs, initrdPath) : null;
    return { kernel: { path: kernel.path, size: kernel.size }, initrd: initrd ? { path: initrd.path, size: initrd.size } : null };
  }
  if (candidates.length > 0) notes.push('The boot entries name kernels that are not on the ISO.');
  return { kernel: null, initrd: null };
}
