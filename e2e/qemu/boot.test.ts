// The QEMU harness itself: the CD-ROM medium and dracut's OverlayFS path (flat squashfs), the
// fail-fast path on a fatal console line, and the hard timeout. Each case is one short boot.
import { describe, it } from 'vitest';
import { fixtureFile } from '../fixtures/fixture';
import { activeBoots, bootImage, BootError } from './boot';

describe.concurrent('bootImage', () => {
  it('boots liveos-flat from a CD under SeaBIOS onto an OverlayFS root', async ({ expect }) => {
    const iso = fixtureFile('liveos-flat', 'image.iso');
    const { report, logPath, timings } = await bootImage({ image: iso, firmware: 'bios', medium: 'cdrom', name: 'liveos-flat' });
    console.info(`liveos-flat bios/cdrom: init at ${timings.initMs} ms, exit at ${timings.totalMs} ms (log ${logPath})`);
    expect(report.done, logPath).toBe(true);
    expect(report.bootCount).toBe(1);
    expect(report.mounts['/run/initramfs/live']).toMatchObject({ fstype: 'iso9660', source: '/dev/sr0' });
    // dmsquash-live-root.sh sees /proc in the squashfs and requires OverlayFS.
    expect(report.mounts['/']).toMatchObject({ source: 'LiveOS_rootfs', fstype: 'overlay' });
    expect(report.mounts['/']?.options).toEqual(
      expect.arrayContaining(['lowerdir=/run/rootfsbase', 'upperdir=/run/overlayfs', 'workdir=/run/ovlwork']),
    );
    expect(report.overlay?.mode).toBe('overlayfs');
    expect(report.written?.ok).toBe(true);
    expect(report.rootReadOnly).toBe(true);
    expect(report.dm?.state).toBe('none');
  });

  it('boots the kiwi layout (EROFS root in squashfs.img) onto OverlayFS', async ({ expect }) => {
    // Needs EROFS support in dmsquash-live (dracut-ng >= 103, as Fedora 42 has); the fixture's
    // initrd gets it in e2e/fixtures/recipes/liveos-kernel.sh.
    const iso = fixtureFile('liveos-kiwi', 'image.iso');
    const { report } = await bootImage({ image: iso, firmware: 'uefi', medium: 'cdrom', name: 'liveos-kiwi' });
    expect(report.done).toBe(true);
    expect(report.bootCount).toBe(1);
    expect(report.overlay?.mode).toBe('overlayfs');
  });

  it('kills QEMU at the hard timeout and says so', async ({ expect }) => {
    const iso = fixtureFile('liveos', 'image.iso');
    const error = await bootImage({ image: iso, firmware: 'bios', medium: 'cdrom', timeoutMs: 4_000, name: 'timeout' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BootError);
    expect((error as BootError).reason).toBe('timeout');
    expect((error as BootError).message).toMatch(/^boot timed out after 4 s\nserial log: .*\n--- last \d+ lines ---/);
  });
});

describe('bootImage cleanup', () => {
  it('leaves no QEMU running', ({ expect }) => {
    expect(activeBoots()).toBe(0);
  });
});
