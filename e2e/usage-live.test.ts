// Live mode of `stickwright usage`: the CLI run INSIDE a live system booted from the stick it is
// asked about (the `liveos-node` fixture has Node in its root; the test copies the built CLI onto
// the stick, and the fixture's init runs it after the system is at rest). The report must say it
// is live, carry the kernel's own overlay figure — the `dmsetup status live-rw` the init printed
// just before — and agree with the offline reading of the same stick after power-off.
import { describe, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { bootImage } from './qemu/boot';
import { readPartitions } from './stickChecks';
import { CLI, cli, useScratch } from './stickCli';
import { UsageReport } from '../shared/usage/usageReport';

const scratchDir = useScratch('sw-usage-live-');

describe('stickwright usage on the system booted from the stick', () => {
  it('vfat, SeaBIOS: says it is live and gives the kernel figure; offline agrees afterwards', async ({ expect }) => {
    const stick = path.join(scratchDir(), 'live.img');
    const written = cli(['write', '--iso', fixtureFile('liveos-node', 'image.iso'), '--target', stick, '--size', '1G', '--fs', 'vfat', '--overlay', '256M', '--home', '64M', '--yes', '--json']);
    expect(written.status, written.stdout.slice(-600) + written.stderr).toBe(0);
    // The CLI onto the stick's FAT (mtools, no mount); .mjs: no package.json says "module" there.
    const at = `${stick}@@${readPartitions(stick)[0]?.start ?? 0}`;
    const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
    execFileSync('mmd', ['-i', at, '::/stickwright'], { env });
    execFileSync('mcopy', ['-i', at, CLI, '::/stickwright/cli.mjs'], { env });

    const boot = await bootImage({ image: stick, firmware: 'bios', medium: 'usb', name: 'usage-live', timeoutMs: 420_000 });
    const why = `serial log: ${boot.logPath}`;
    expect(boot.report.done, why).toBe(true);
    const line = boot.report.lines.find((l) => l.key === 'usage-live');
    expect(line, why).toBeDefined();
    expect(line?.fields.rc, `${why}\n${line?.fields.json ?? ''}`).toBe('0');
    expect(line?.fields.disk, why).toBe('/dev/sda');
    const parsed = JSON.parse(line?.fields.json ?? '{}') as { ok: boolean; report: unknown };
    expect(parsed.ok, why).toBe(true);
    const live = UsageReport.parse(parsed.report);
    expect(live.source, why).toBe('live');
    expect(live.stick).toMatchObject({ path: '/dev/sda', kind: 'block-device' });
    expect(live.notes[0], why).toContain('running from this stick');
    const overlay = live.images[0]?.overlay;
    const dm = boot.report.dm;
    expect(overlay?.kind === 'dm-snapshot' && `0 ${dm?.length} snapshot ${overlay.kernelStatus}`, why).toBe(dm?.status);
    expect(overlay, why).toMatchObject({ state: 'in-use', allocatedSectors: dm?.snapshot?.allocated, totalSectors: dm?.snapshot?.total });
    expect(live.live.freeBytes, why).toBeGreaterThan(0);

    // Offline, after power-off: the same figure from the stick's bytes.
    const offline = cli(['usage', stick, '--json']);
    const report = UsageReport.parse((JSON.parse(offline.stdout) as { report: unknown }).report);
    expect(report.source).toBe('offline');
    expect(report.images[0]?.overlay).toMatchObject({ allocatedSectors: dm?.snapshot?.allocated, totalSectors: dm?.snapshot?.total, metadataSectors: dm?.snapshot?.metadata });
  });
});
