// A stick laid out the way livecd-iso-to-disk lays one out (../shared/spec/livecd-spec.md §1.2–1.8),
// built without livecd-iso-to-disk (it needs mounts and Fedora tools) and without mounting:
// its common "existing vfat partition" mode — one bootable FAT32 partition labelled LIVE, the
// image's /LiveOS/squashfs.img, the dm-snapshot overlay `overlay-<LABEL>-<UUID>` (a zero-filled
// file: LITD writes no header), `home.img` (ext4 labelled HOME), the kernel and initrd in
// /syslinux with a syslinux.cfg, and the ISO's EFI/BOOT with its grub.cfg rewritten as LITD
// rewrites it (root=live:UUID=…, rw, rd.live.overlay=UUID=…, search by UUID, /syslinux/ paths).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const MiB = 2 ** 20;
export const LITD_PART_START = 4 * MiB; // LITD's `oio` when the device reports none (L2261-2262)

export interface LitdStickOptions {
  readonly sizeMiB?: number;
  readonly overlayMiB?: number;
  readonly homeMiB?: number;
  /** FAT volume serial, 8 hex digits: blkid shows it as XXXX-XXXX, the overlay's <UUID>. */
  readonly serial?: string;
}

export interface LitdStick {
  readonly uuid: string;
  readonly overlayPath: string;
}

const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1' };

export function makeLitdStick(image: string, iso: string, options: LitdStickOptions = {}): LitdStick {
  const sizeMiB = options.sizeMiB ?? 512;
  const serial = (options.serial ?? 'ABCD1234').toUpperCase();
  const uuid = `${serial.slice(0, 4)}-${serial.slice(4)}`;
  const work = mkdtempSync(path.join(tmpdir(), 'sw-litd-'));
  try {
    writeFileSync(image, '');
    truncateSync(image, sizeMiB * MiB);
    // One primary partition from 4 MiB, FAT32 (LBA), active.
    execFileSync('sfdisk', ['--quiet', image], { input: `label: dos\nstart=${LITD_PART_START / 512}, type=c, bootable\n` });
    const partSectors = (sizeMiB * MiB - LITD_PART_START) / 512;
    execFileSync('mkfs.fat', ['-F', '32', '-n', 'LIVE', '-i', serial, '--offset', String(LITD_PART_START / 512), image, String(partSectors / 2)], { stdio: 'ignore' });
    const at = `${image}@@${LITD_PART_START}`;
    const extract = (from: string, to: string) => execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', from, to], { stdio: 'ignore' });

    const tree = path.join(work, 'tree');
    mkdirSync(path.join(tree, 'LiveOS'), { recursive: true });
    mkdirSync(path.join(tree, 'syslinux'), { recursive: true });
    mkdirSync(path.join(tree, 'EFI'), { recursive: true });
    extract('/LiveOS/squashfs.img', path.join(tree, 'LiveOS', 'squashfs.img'));
    extract('/images/pxeboot/vmlinuz', path.join(tree, 'syslinux', 'vmlinuz'));
    extract('/images/pxeboot/initrd.img', path.join(tree, 'syslinux', 'initrd.img'));
    extract('/EFI/BOOT', path.join(tree, 'EFI', 'BOOT'));
    const overlayName = `overlay-LIVE-${uuid}`;
    // LITD's falloc on vfat: a zero-filled file of the overlay size, no header (§1.4).
    const overlay = path.join(tree, 'LiveOS', overlayName);
    writeFileSync(overlay, '');
    truncateSync(overlay, (options.overlayMiB ?? 64) * MiB);
    if ((options.homeMiB ?? 64) > 0) {
      const home = path.join(tree, 'LiveOS', 'home.img');
      writeFileSync(home, '');
      truncateSync(home, (options.homeMiB ?? 64) * MiB);
      execFileSync('mkfs.ext4', ['-q', '-j', '-F', '-L', 'HOME', '-E', 'nodiscard', home]);
      execFileSync('tune2fs', ['-c0', '-i0', '-o', 'user_xattr,acl', home], { stdio: 'ignore' });
    }
    const args = `root=live:UUID=${uuid} rw rd.live.image rd.live.overlay=UUID=${uuid} console=ttyS0`;
    writeFileSync(
      path.join(tree, 'syslinux', 'syslinux.cfg'),
      `default vesamenu.c32\ntimeout 10\n\nlabel linux\n  menu label ^Start Stickwright fixture\n  kernel vmlinuz\n  append initrd=initrd.img ${args}\n`,
    );
    // The ISO's grub.cfg, rewritten by LITD's passes c, e, h, k (§1.8); timeout as with --timeout 1.
    const grub = readFileSync(path.join(tree, 'EFI', 'BOOT', 'grub.cfg'), 'utf8')
      .replace(/search --no-floppy --set=root -l '[^']*'/, `search --no-floppy --set=root -u '${uuid}'`)
      .replaceAll('/images/pxeboot/', '/syslinux/')
      .replace(/root=live:CDLABEL=\S+ rd\.live\.image/g, `root=live:UUID=${uuid} rw rd.live.image rd.live.overlay=UUID=${uuid}`);
    writeFileSync(path.join(tree, 'EFI', 'BOOT', 'grub.cfg'), grub);
    // mcopy -s copies the tree into the FAT without mounting it.
    execFileSync('mcopy', ['-s', '-i', at, path.join(tree, 'LiveOS'), path.join(tree, 'syslinux'), path.join(tree, 'EFI'), '::/'], { env: mtoolsEnv });
    return { uuid, overlayPath: `/LiveOS/${overlayName}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Replaces a file on the LITD stick's FAT with `local`'s bytes (mtools, no mount). */
export function replaceOnLitdStick(image: string, stickPath: string, local: string): void {
  execFileSync('mcopy', ['-o', '-i', `${image}@@${LITD_PART_START}`, local, `::${stickPath}`], { env: mtoolsEnv });
}
