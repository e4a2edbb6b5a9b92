import { describe, expect, it } from 'vitest';
import { ADD_MARGIN, addImageFiles, addImageName, addNeedBytes, allocated, overlayBytes } from './addFootprint';
import { planWrite } from './planWrite';
import type { StickPlan } from './stickPlan';
import { sampleReport, SAMPLE_IDS } from './testing/sampleReport';

const MiB = 2 ** 20;

function planOf(report = sampleReport(), overlaySize = 512 * MiB): StickPlan {
  const result = planWrite(report, 2 ** 45, { fs: 'ext4', overlaySize, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' }, SAMPLE_IDS);
  if (!result.ok) throw new Error(result.problems.map((p) => p.code).join());
  return result.plan;
}

describe('addImageFiles', () => {
  it('the live directory into /<dir>, the default entry\'s kernel and initrd into /<dir>/boot', () => {
    const report = sampleReport({ squashfsSize: 700 * MiB });
    const { files, kernel, initrds, entry } = addImageFiles(report, planOf(report), 'ab12');
    expect(entry.isDefault).toBe(true);
    expect(files.map((f) => [f.path, f.isoPath, f.size])).toEqual([
      ['/ab12/squashfs.img', '/LiveOS/squashfs.img', 700 * MiB],
      ['/ab12/boot/vmlinuz', '/images/pxeboot/vmlinuz', 15 * MiB],
      ['/ab12/boot/initrd.img', '/images/pxeboot/initrd.img', 100 * MiB],
    ]);
    expect(kernel.path).toBe('/ab12/boot/vmlinuz');
    expect(initrds.map((f) => f.path)).toEqual(['/ab12/boot/initrd.img']);
  });

  it('an entry naming a kernel the ISO lacks is NO_LIVE_LAYOUT', () => {
    const report = sampleReport();
    const plan = planOf(report);
    const broken = { ...plan, boot: { ...plan.boot, entries: plan.boot.entries.map((e) => ({ ...e, kernel: '/images/pxeboot/vmlinuz-missing' })) } };
    expect(() => addImageFiles(report, broken, 'ab12')).toThrow(expect.objectContaining({ code: 'NO_LIVE_LAYOUT' }));
  });
});

describe('addNeedBytes', () => {
  it('files, overlay and home in whole 64 KiB, plus the margin and one MiB for the menus and metadata', () => {
    expect(allocated(1)).toBe(64 * 1024);
    expect(allocated(64 * 1024)).toBe(64 * 1024);
    expect(addNeedBytes([{ size: 1 }, { size: 64 * 1024 + 1 }], 0, 0)).toBe(3 * 64 * 1024 + ADD_MARGIN + MiB);
    expect(addNeedBytes([], 256 * MiB, 128 * MiB)).toBe(384 * MiB + ADD_MARGIN + MiB);
  });

  it('an OverlayFS directory counts the size asked for; no overlay counts nothing', () => {
    const persistence = planOf().persistence;
    expect(overlayBytes(persistence, 512 * MiB)).toBe(persistence.kind === 'dm-snapshot' ? persistence.size : -1);
    expect(overlayBytes({ kind: 'overlayfs-dir', path: '/x/overlay', workPath: '/x/ovlwork', reason: '' }, 300 * MiB)).toBe(300 * MiB);
    expect(overlayBytes({ kind: 'none', reason: '' }, 300 * MiB)).toBe(0);
  });
});

describe('addImageName', () => {
  it('the ISO entry\'s title without its verb; made different by the label, then the directory; a name asked for wins', () => {
    expect(addImageName('Start Fedora-Workstation-Live 41', 'Fedora-WS-Live-41', [], 'ab12')).toBe('Fedora-Workstation-Live 41');
    expect(addImageName('Start Stickwright fixture', 'SW-FIXTURE-2', ['Stickwright fixture'], 'ab12')).toBe('Stickwright fixture (SW-FIXTURE-2)');
    expect(addImageName('Start X', '', ['X'], 'ab12')).toBe('X (ab12)');
    expect(addImageName('Start X', 'L', ['X', 'X (L)'], 'ab12')).toBe('X (L) (ab12)');
    expect(addImageName('Start X', 'L', ['X'], 'ab12', '  Mine ')).toBe('Mine');
  });
});
