import { describe, expect, it } from 'vitest';
import { planWrite, ALIGN, VFAT_MAX_FILE, overflowSafeOverlaySize } from './planWrite';
import { WriteOptions, type WriteOptionsInput } from './writeOptions';
import { sampleReport, SAMPLE_IDS } from './testing/sampleReport';
import type { PlanResult, StickPlan } from './stickPlan';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

function plan(opts: WriteOptionsInput, size = 16 * GiB, report = sampleReport()): PlanResult {
  return planWrite(report, size, WriteOptions.parse(opts), SAMPLE_IDS);
}
function okPlan(opts: WriteOptionsInput, size?: number, report?: ReturnType<typeof sampleReport>): StickPlan {
  const result = plan(opts, size, report);
  if (!result.ok) throw new Error(`expected a plan, got ${JSON.stringify(result.problems)}`);
  return result.plan;
}
function codes(result: PlanResult): string[] {
  return result.ok ? [] : result.problems.map((p) => p.code);
}

describe('planWrite: layout', () => {
  it('an ext4 stick: live partition at 4 MiB, a FAT ESP at the end, both aligned, bootable live', () => {
    const p = okPlan({ fs: 'ext4', overlaySize: 4 * GiB, homeSize: 2 * GiB });
    const [live, esp] = p.partitions;
    expect(live).toMatchObject({ index: 1, role: 'live', start: ALIGN, mbrType: 0x83, bootable: true, fs: 'ext4', label: 'LIVE', uuid: SAMPLE_IDS.fsUuid });
    expect(esp).toMatchObject({ index: 2, role: 'esp', mbrType: 0xef, fs: 'vfat', uuid: '5E6F-7081' });
    expect(live.start + live.size).toBe(esp.start);
    expect(esp.start % ALIGN).toBe(0);
    expect(esp.size % ALIGN).toBe(0);
    expect(esp.start + esp.size).toBeLessThanOrEqual(16 * GiB - MiB);
  });

  it('vfat: type 0x0C, the FAT serial is the UUID, the label in capitals', () => {
    const p = okPlan({ fs: 'vfat', overlaySize: GiB, label: 'mystick' });
    expect(p.partitions[0]).toMatchObject({ mbrType: 0x0c, uuid: '1A2B-3C4D', label: 'MYSTICK' });
    expect(p.notes.join(' ')).toMatch(/capitals/);
    expect(p.persistence).toMatchObject({ kind: 'dm-snapshot', path: '/LiveOS/overlay-MYSTICK-1A2B-3C4D' });
  });

  it('copies the live dir, the kernels and initrds, the EFI loaders; writes our own menus', () => {
    const p = okPlan({ overlaySize: GiB });
    const paths = p.liveFiles.map((f) => f.path);
    expect(paths[0]).toBe('/LiveOS/squashfs.img'); // the big sequential copy first
    expect(paths).toEqual(expect.arrayContaining(['/images/pxeboot/vmlinuz', '/images/pxeboot/initrd.img', '/boot/grub2/grub.cfg']));
    expect(paths).not.toContain('/images/efiboot.img'); // not needed on a stick
    expect(p.espFiles.map((f) => f.path).sort()).toEqual(['/EFI/BOOT/BOOTX64.EFI', '/EFI/BOOT/grub.cfg', '/EFI/BOOT/grubx64.efi', '/EFI/BOOT/mmx64.efi']);
    expect(p.espFiles.find((f) => f.path === '/EFI/BOOT/grub.cfg')?.source).toEqual({ kind: 'boot-config', firmware: 'uefi', isoPath: '/EFI/BOOT/grub.cfg' });
    expect(p.liveDirs).toEqual(expect.arrayContaining(['/LiveOS', '/boot/grub2', '/images/pxeboot']));
  });
});

describe('planWrite: persistence', () => {
  it('nested image + auto = a dm-snapshot file named as dracut looks for it', () => {
    const p = okPlan({ overlaySize: 4 * GiB, homeSize: GiB });
    expect(p.persistence).toMatchObject({ kind: 'dm-snapshot', path: `/LiveOS/overlay-LIVE-${SAMPLE_IDS.fsUuid}`, size: 4 * GiB });
    expect(p.home).toEqual({ path: '/LiveOS/home.img', size: GiB, encrypted: false, uuid: SAMPLE_IDS.homeUuid });
    for (const entry of p.boot.entries) {
      expect(entry.cmdline).toMatch(new RegExp(`^root=live:UUID=${SAMPLE_IDS.fsUuid} rd.live.image rw rd.live.dir=LiveOS rd.live.overlay=UUID=${SAMPLE_IDS.fsUuid}( |$)`));
      expect(entry.cmdline).not.toContain('overlayfs');
    }
  });

  it('a flat image gets OverlayFS, and says why; dm-snapshot is refused for it', () => {
    const flat = sampleReport({ contents: 'flat' });
    const p = okPlan({ overlaySize: GiB }, 16 * GiB, flat);
    expect(p.persistence).toMatchObject({ kind: 'overlayfs-dir', path: `/LiveOS/overlay-LIVE-${SAMPLE_IDS.fsUuid}`, workPath: '/LiveOS/ovlwork' });
    expect(p.persistence.reason).toMatch(/flat/);
    expect(p.boot.entries[0]?.cmdline).toContain('rd.live.overlay.overlayfs');
    expect(p.liveDirs).toEqual(expect.arrayContaining([`/LiveOS/overlay-LIVE-${SAMPLE_IDS.fsUuid}`, '/LiveOS/ovlwork']));
    expect(codes(plan({ overlaySize: GiB, overlayKind: 'dm-snapshot' }, 16 * GiB, flat))).toEqual(['OPTIONS_CONFLICT']);
  });

  it('OverlayFS on vfat is an ext4 image file of the overlay size', () => {
    const p = okPlan({ fs: 'vfat', overlaySize: GiB, overlayKind: 'overlayfs' });
    expect(p.persistence).toMatchObject({ kind: 'overlayfs-image', size: GiB });
    expect(p.liveFiles.find((f) => f.source.kind === 'overlay')?.size).toBe(GiB);
  });

  it('overlay 0 = no persistence and no overlay arguments', () => {
    const p = okPlan({ overlaySize: 0 });
    expect(p.persistence.kind).toBe('none');
    expect(p.boot.entries[0]?.cmdline).not.toContain('rd.live.overlay');
  });
});

describe('planWrite: problems a person can act on', () => {
  it('too small says by how much', () => {
    const result = plan({ overlaySize: 4 * GiB, homeSize: 2 * GiB }, 4 * GiB);
    expect(codes(result)).toEqual(['TARGET_TOO_SMALL']);
    if (result.ok) return;
    const data = result.problems[0]?.data as { needBytes: number; haveBytes: number; shortBy: number };
    expect(data.haveBytes).toBe(4 * GiB);
    expect(data.shortBy).toBe(data.needBytes - data.haveBytes);
    // …and the size it asks for is enough.
    expect(plan({ overlaySize: 4 * GiB, homeSize: 2 * GiB }, data.needBytes).ok).toBe(true);
  });

  it('overlay or home of 4 GiB on vfat', () => {
    expect(codes(plan({ fs: 'vfat', overlaySize: 4 * GiB }))).toEqual(['VFAT_FILE_TOO_LARGE']);
    expect(codes(plan({ fs: 'vfat', overlaySize: GiB, homeSize: 5 * GiB }))).toEqual(['VFAT_FILE_TOO_LARGE']);
    expect(plan({ fs: 'vfat', overlaySize: VFAT_MAX_FILE }).ok).toBe(true);
    expect(codes(plan({ fs: 'vfat', overlaySize: GiB }, 16 * GiB, sampleReport({ squashfsSize: 4 * GiB })))).toEqual(['VFAT_FILE_TOO_LARGE']);
  });

  it('F2FS with a UEFI GRUB that cannot read F2FS', () => {
    const noF2fs = sampleReport({ efiFilesystems: ['vfat', 'ext4', 'iso9660'] });
    const result = plan({ fs: 'f2fs', overlaySize: GiB }, 16 * GiB, noF2fs);
    expect(codes(result)).toEqual(['UEFI_CANNOT_READ_FS']);
    expect(plan({ fs: 'ext4', overlaySize: GiB }, 16 * GiB, noF2fs).ok).toBe(true);
  });

  it('no live layout, and families not supported yet', () => {
    expect(codes(plan({ overlaySize: GiB }, 16 * GiB, sampleReport({ family: 'raw-only' })))).toEqual(['NO_LIVE_LAYOUT']);
    expect(codes(plan({ overlaySize: GiB }, 16 * GiB, sampleReport({ family: 'debian-live' })))).toEqual(['FAMILY_NOT_SUPPORTED']);
  });

  it.each(['my stick', 'a/b', 'x$(id)', '', 'ABCDEFGHIJKLMNOPQ'])('label %j is refused', (label) => {
    expect(codes(plan({ overlaySize: GiB, label }))).toContain('LABEL_INVALID');
  });

  it('vfat labels stop at 11 characters', () => {
    expect(codes(plan({ fs: 'vfat', overlaySize: GiB, label: 'TWELVE_CHARS' }))).toEqual(['LABEL_INVALID']);
    expect(plan({ fs: 'ext4', overlaySize: GiB, label: 'TWELVE_CHARS' }).ok).toBe(true);
  });
});

describe('planWrite is instant', () => {
  it('plans 1000 slider positions in well under a second', () => {
    const report = sampleReport();
    const started = performance.now();
    for (let i = 0; i < 1000; i += 1) planWrite(report, 32 * GiB, WriteOptions.parse({ overlaySize: i * 4 * MiB, homeSize: GiB }), SAMPLE_IDS);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('planWrite properties', () => {
  it('any plan fits its target, and any TARGET_TOO_SMALL names a size that works', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(
        fc.constantFrom('ext4' as const, 'f2fs' as const, 'vfat' as const),
        fc.integer({ min: 256, max: 256 * 1024 }), // target MiB
        fc.integer({ min: 0, max: 4000 }), // overlay MiB
        fc.integer({ min: 0, max: 4000 }), // home MiB
        (fs, targetMiB, overlayMiB, homeMiB) => {
          const options = { fs, overlaySize: overlayMiB < 16 ? 0 : overlayMiB * MiB, homeSize: homeMiB < 16 ? 0 : homeMiB * MiB };
          const result = plan(options, targetMiB * MiB);
          if (result.ok) {
            const [live, esp] = result.plan.partitions;
            expect(live.start + live.size).toBeLessThanOrEqual(esp.start);
            expect(esp.start + esp.size).toBeLessThanOrEqual(targetMiB * MiB);
            expect(result.plan.space.free).toBeGreaterThanOrEqual(16 * MiB);
            return;
          }
          const tooSmall = result.problems.find((p) => p.code === 'TARGET_TOO_SMALL');
          if (tooSmall) expect(plan(options, tooSmall.data.needBytes as number).ok).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('overflowSafeOverlaySize', () => {
  it('moves exactly the sizes whose last metadata group would end at the end of the file', () => {
    expect(overflowSafeOverlaySize(256 * MiB)).toBe(256 * MiB - 4096); // 65536 chunks: 65535 = 255 × 257
    for (const mib of [16, 128, 512, 1024, 2048, 4095]) expect(overflowSafeOverlaySize(mib * MiB)).toBe(mib * MiB);
    const p = okPlan({ overlaySize: 256 * MiB });
    expect(p.persistence).toMatchObject({ kind: 'dm-snapshot', size: 256 * MiB - 4096 });
    expect(p.notes.join(' ')).toMatch(/4 KiB smaller/);
  });
});
