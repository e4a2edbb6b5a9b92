// `stickwright grow`: a stick booted once gets a larger dm-snapshot overlay offline; the next boot
// keeps every change (boot counter 2, the first boot's data still there) and the kernel reports
// the larger total — the same figure the offline reader gives. Refusals leave the stick as it was.
import { describe, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { bootImage } from './qemu/boot';
import { fsckStick } from './stickChecks';
import { cli, usageOf as usage, useScratch, writeStick } from './stickCli';
import { UsageReport } from '../shared/usage/usageReport';
import { workerRunner } from '../electron/main/jobs/launchWorker';
import { jobResult } from '../electron/main/jobs/jobResult';

const MiB = 2 ** 20;
const scratchDir = useScratch('sw-grow-');
const write = (stick: string, fs: 'ext4' | 'vfat') => writeStick(fixtureFile('liveos', 'image.iso'), stick, { fs, home: '64M' });

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.concurrent('stickwright grow', () => {
  it('ext4, OVMF: the grown overlay keeps its changes and the kernel sees the new size', async ({ expect }) => {
    const stick = path.join(scratchDir(), 'grow-ext4.img');
    write(stick, 'ext4');
    const first = await bootImage({ image: stick, firmware: 'uefi', medium: 'usb', name: 'grow-ext4-1' });
    expect(first.report.dm?.snapshot?.total, first.logPath).toBe(524280);
    const before = usage(stick).images[0]?.overlay;
    expect(before).toMatchObject({ kind: 'dm-snapshot', state: 'in-use', allocatedSectors: first.report.dm?.snapshot?.allocated });

    const grown = cli(['grow', stick, '--overlay', '384M', '--yes', '--json']);
    expect(grown.status, `${grown.stdout}${grown.stderr}`).toBe(0);
    expect(JSON.parse(grown.stdout)).toMatchObject({ ok: true, result: { dir: 'LiveOS', after: { fileBytes: 384 * MiB, totalSectors: 786432 } } });
    // Nothing of the store moved: the same allocation, on a larger total.
    const after = usage(stick).images[0]?.overlay;
    expect(after).toMatchObject({ kind: 'dm-snapshot', state: 'in-use', allocatedSectors: before?.kind === 'dm-snapshot' ? before.allocatedSectors : -1, totalSectors: 786432 });
    await fsckStick(stick, 'ext4', { afterBoot: true });

    const second = await bootImage({ image: stick, firmware: 'uefi', medium: 'usb', name: 'grow-ext4-2' });
    const why = `serial log: ${second.logPath}`;
    expect(second.report.done, why).toBe(true);
    expect(second.report.bootCount, why).toBe(2);
    expect(second.report.persisted.map((p) => p.name), why).toContain('sw-data-1');
    expect(second.report.dm?.state, why).toBe('active');
    expect(second.report.dm?.snapshot?.total, why).toBe(786432);
    const offline = usage(stick).images[0]?.overlay;
    expect(offline, why).toMatchObject({ allocatedSectors: second.report.dm?.snapshot?.allocated, totalSectors: 786432, metadataSectors: second.report.dm?.snapshot?.metadata });
    await fsckStick(stick, 'ext4', { afterBoot: true });
  });

  it("the app's way: grow and reset as jobs of the real worker answer with the new report", async ({ expect }) => {
    const stick = path.join(scratchDir(), 'jobs.img');
    write(stick, 'ext4');
    // A private copy of the worker bundle: a concurrent rebuild of dist/ cannot pull it away.
    const appDir = path.join(scratchDir(), 'worker-app');
    mkdirSync(appDir, { recursive: true });
    copyFileSync(path.resolve('dist/worker.js'), path.join(appDir, 'worker.js'));
    const jobs = workerRunner({ packaged: false, appDir });
    const grown = UsageReport.parse(await jobResult(jobs, { v: 1, id: 'grow-1', kind: 'grow-overlay', stick, dir: 'LiveOS', size: 300 * MiB }));
    expect(grown.images[0]?.overlay).toMatchObject({ kind: 'dm-snapshot', fileBytes: 300 * MiB, totalSectors: (300 * MiB) / 512 });
    const reset = UsageReport.parse(await jobResult(jobs, { v: 1, id: 'reset-1', kind: 'reset-overlay', stick, dir: 'LiveOS' }));
    expect(reset.images[0]?.overlay).toMatchObject({ state: 'fresh', kernelStatus: '16/614400 16' });
    await expect(jobResult(jobs, { v: 1, id: 'grow-2', kind: 'grow-overlay', stick, dir: 'LiveOS', size: 100 * MiB })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('refusals say why and change nothing', async ({ expect }) => {
    const ext4 = path.join(scratchDir(), 'refuse-ext4.img');
    const vfat = path.join(scratchDir(), 'refuse-vfat.img');
    write(ext4, 'ext4');
    write(vfat, 'vfat');
    const hashes = [sha256(ext4), sha256(vfat)];
    const cases: Array<[string[], number, string]> = [
      [['grow', ext4, '--overlay', '4G', '--yes', '--json'], 4, 'TARGET_TOO_SMALL'],
      [['grow', ext4, '--overlay', '128M', '--yes', '--json'], 2, 'USAGE'],
      [['grow', ext4, '--home', '128M', '--yes', '--json'], 4, 'GROW_NOT_POSSIBLE'],
      [['grow', ext4, '--overlay', '300M', '--json'], 2, 'CONFIRMATION_REQUIRED'],
      [['grow', vfat, '--overlay', '300M', '--yes', '--json'], 4, 'GROW_NOT_POSSIBLE'],
      [['grow', ext4, '--overlay', '300M', '--dir', 'Nope', '--yes', '--json'], 2, 'IMAGE_NOT_FOUND'],
    ];
    for (const [args, status, code] of cases) {
      const run = cli(args);
      expect(run.status, args.join(' ')).toBe(status);
      expect(JSON.parse(run.stdout), args.join(' ')).toMatchObject({ ok: false, error: { code } });
    }
    expect([sha256(ext4), sha256(vfat)]).toEqual(hashes);
  });
});
