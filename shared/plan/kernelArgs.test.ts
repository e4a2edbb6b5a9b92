import { describe, expect, it } from 'vitest';
import { rewriteKernelArgs, splitKernelArgs, type LiveArgs } from './kernelArgs';

const dm: LiveArgs = { rootSpec: 'UUID=abcd', liveDir: 'LiveOS', overlay: { spec: 'UUID=abcd', overlayfs: false }, fsType: 'ext4' };
const ovl: LiveArgs = { ...dm, overlay: { spec: 'UUID=abcd', overlayfs: true } };
const none: LiveArgs = { ...dm, overlay: null };

describe('rewriteKernelArgs', () => {
  it('turns a Fedora ISO line into a persistent stick line (dm-snapshot)', () => {
    expect(rewriteKernelArgs('root=live:CDLABEL=Fedora-WS-Live-41 rd.live.image quiet rhgb', dm)).toBe(
      'root=live:UUID=abcd rd.live.image rw rd.live.dir=LiveOS rd.live.overlay=UUID=abcd quiet rhgb',
    );
  });

  it('adds rd.live.overlay.overlayfs for OverlayFS and nothing for no persistence', () => {
    expect(rewriteKernelArgs('root=live:CDLABEL=X rd.live.image', ovl)).toBe(
      'root=live:UUID=abcd rd.live.image rw rd.live.dir=LiveOS rd.live.overlay=UUID=abcd rd.live.overlay.overlayfs',
    );
    expect(rewriteKernelArgs('root=live:CDLABEL=X rd.live.image', none)).toBe('root=live:UUID=abcd rd.live.image rw rd.live.dir=LiveOS');
  });

  it('drops dracut-ng 110 names (rd.overlay*) and legacy aliases, writing the names both generations accept', () => {
    const line = 'root=live:LABEL=OLD rd.overlay=LABEL=foo rd.overlay.overlayfs rd.overlay.reset rd.live.overlay=/dev/sdb1:/x rd.live.overlay.size=4096 liveimg live_dir=Foo overlay=x reset_overlay quiet';
    const out = rewriteKernelArgs(line, ovl);
    expect(out).toBe('root=live:UUID=abcd rd.live.image rw rd.live.dir=LiveOS rd.live.overlay=UUID=abcd rd.live.overlay.overlayfs quiet');
    expect(out).not.toMatch(/rd\.overlay/);
  });

  it('drops media checks, ro/rw, iso-scan and stage2, keeps the rest in order without duplicates', () => {
    const out = rewriteKernelArgs('ro rd.live.check check iso-scan/filename=/x.iso findiso=/x inst.stage2=hd:LABEL=X quiet console=ttyS0 quiet nomodeset', none);
    expect(out).toBe('root=live:UUID=abcd rd.live.image rw rd.live.dir=LiveOS quiet console=ttyS0 nomodeset');
  });

  it('rewrites an existing rootfstype= to the stick filesystem', () => {
    expect(rewriteKernelArgs('root=live:CDLABEL=X rootfstype=iso9660 rd.live.image', { ...none, fsType: 'vfat' })).toContain('rootfstype=vfat');
  });

  it('keeps a multi-image directory', () => {
    expect(rewriteKernelArgs('rd.live.image', { ...none, liveDir: 'F41' })).toContain('rd.live.dir=F41');
  });

  it('splits quoted values as one argument', () => {
    expect(splitKernelArgs('a="b c" d')).toEqual(['a="b c"', 'd']);
  });
});
