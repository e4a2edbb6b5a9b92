// The images view's store: the stick chosen and listed, a remove, and an add driven by the job
// events main relays (the same channel as a write's).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Drive } from '../../shared/contract/drive';
import type { WorkerEvent } from '../../shared/contract/events';
import type { ImageChangeResult, StickImageList } from '../../shared/contract/multiImage';
import { StickwrightError, toErrorPayload } from '../../shared/errors';
import { UsageReport } from '../../shared/usage/usageReport';
import type { Bridge } from '../lib/api';
import type * as StoreModule from './index';

const GiB = 2 ** 30;
function drive(device: string, isSystem = false): Drive {
  return { device, description: 'USB stick', size: 16 * GiB, isSystem, isRemovable: true, busType: 'USB', mountpoints: [], isDevelopment: false };
}
function listOf(device: string, dirs: string[]): StickImageList {
  const report = UsageReport.parse({
    stick: { path: device, size: 16 * GiB, kind: 'block-device', partitionTable: 'mbr', partitions: [] },
    live: { partition: 1, start: 4 * 2 ** 20, size: 15 * GiB, fs: 'ext4', label: 'LIVE', uuid: 'uuid-1', capacityBytes: 15 * GiB, freeBytes: 4 * GiB, usedBytes: 11 * GiB, percent: 73.3 },
    images: [],
    warnings: [],
    notes: [],
    stats: { bytesRead: 0, elapsedMs: 0 },
  });
  return { images: dirs.map((dir, i) => ({ dir, name: `Image ${dir}`, isDefault: i === 0, metaSource: 'file' as const })), report };
}
const iso = { path: '/isos/two.iso', volume: { label: 'TWO' } };

let store: typeof StoreModule.useAppStore;
beforeEach(async () => {
  vi.resetModules();
  store = (await import('./index')).useAppStore;
});
afterEach(() => {
  Reflect.deleteProperty(globalThis, 'window');
});
function install(bridge: Partial<Bridge>): void {
  Object.defineProperty(globalThis, 'window', { value: { stickwright: bridge }, configurable: true });
}
const settle = () => new Promise((r) => setTimeout(r, 0));

function fakeBridge() {
  return {
    listDrives: vi.fn(async () => ({ ok: true as const, value: [drive('/dev/sdb'), drive('/dev/sdc'), drive('/dev/sda', true)] })),
    listStickImages: vi.fn(async (device: string) => ({ ok: true as const, value: listOf(device, ['LiveOS']) })),
    inspectIso: vi.fn(async () => ({ ok: true as const, value: iso as never })),
    startAddImage: vi.fn(async () => ({ ok: true as const, value: { jobId: 'add-1' } })),
    cancelJob: vi.fn(async () => ({ ok: true as const, value: true })),
    removeImage: vi.fn(async () => ({ ok: true as const, value: { dir: 'ab12', name: 'Image ab12', freeBefore: GiB, freeAfter: 2 * GiB, list: listOf('/dev/sdb', ['LiveOS']) } satisfies ImageChangeResult })),
  };
}

const event = (body: Record<string, unknown>, jobId = 'add-1') => ({ v: 1, jobId, ...body }) as WorkerEvent;

describe('multiSlice', () => {
  it('openMulti(device, "add") — from Done — chooses that stick, lists it and starts the add on it', async () => {
    const bridge = fakeBridge();
    install(bridge);
    store.getState().openMulti('/dev/sdc', 'add');
    expect(store.getState().view).toBe('multi');
    await settle();
    await settle();
    expect(store.getState().multiDrives.map((d) => d.device)).toEqual(['/dev/sdb', '/dev/sdc']); // never a system drive
    expect(bridge.listStickImages).toHaveBeenCalledWith('/dev/sdc');
    expect(store.getState()).toMatchObject({ multiDevice: '/dev/sdc', addStep: 'iso', addTarget: { drive: { device: '/dev/sdc', size: 16 * GiB } } });
  });

  it('an F2FS stick is listed, but no add begins on it', async () => {
    const bridge = fakeBridge();
    const f2fs = listOf('/dev/sdb', ['LiveOS']);
    bridge.listStickImages.mockImplementation(async () => ({ ok: true as const, value: { ...f2fs, report: { ...f2fs.report, live: { ...f2fs.report.live, fs: 'f2fs' as const } } } }));
    install(bridge);
    store.getState().openMulti('/dev/sdb', 'add');
    await settle();
    await settle();
    expect(store.getState().imageList?.report.live.fs).toBe('f2fs');
    expect(store.getState()).toMatchObject({ addStep: null, addTarget: null });
  });

  it('remove sends the listed stick\'s size and live UUID, then shows the worker\'s new list; a refusal keeps the list and shows its code', async () => {
    const bridge = fakeBridge();
    bridge.listStickImages.mockImplementation(async (device: string) => ({ ok: true as const, value: listOf(device, ['LiveOS', 'ab12']) }));
    install(bridge);
    await store.getState().refreshMultiDrives();
    store.getState().chooseMultiDrive('/dev/sdb');
    await store.getState().listImages();
    await store.getState().removeImage('ab12');
    expect(bridge.removeImage).toHaveBeenCalledWith({ device: '/dev/sdb', expectedSize: 16 * GiB, dir: 'ab12', liveUuid: 'uuid-1' });
    expect(store.getState().imageList?.images.map((i) => i.dir)).toEqual(['LiveOS']);
    expect(store.getState().removeOutcome).toMatchObject({ ok: true, dir: 'ab12', message: 'Removed “Image ab12” (/ab12) with its overlay and home. 2 GiB free on the stick now (was 1 GiB).' });

    bridge.removeImage.mockImplementation(async () => ({ ok: false as const, error: toErrorPayload(new StickwrightError('MULTI_NOT_POSSIBLE', '/LiveOS is the stick\'s only live image')) }) as never);
    const before = store.getState().imageList;
    await store.getState().removeImage('LiveOS');
    expect(store.getState().imageList).toBe(before);
    expect(store.getState().removeOutcome).toMatchObject({ ok: false, dir: 'LiveOS', error: { code: 'MULTI_NOT_POSSIBLE' } });
  });

  it('an add: the request carries the chosen sizes and trimmed name; early events count; the result replaces the list', async () => {
    const bridge = fakeBridge();
    let answer: (value: { ok: true; value: { jobId: string } }) => void = () => {};
    bridge.startAddImage.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    install(bridge);
    await store.getState().refreshMultiDrives();
    store.getState().chooseMultiDrive('/dev/sdb');
    await store.getState().listImages();
    store.getState().beginAdd();
    await store.getState().chooseAddIso('/isos/two.iso');
    store.getState().setAddSizes({ overlaySize: GiB, homeSize: GiB / 2 });
    store.getState().setAddName('  Mine ');
    void store.getState().startAdd();
    expect(store.getState()).toMatchObject({ addStatus: 'starting', addStep: 'run' });
    // The worker can be quicker than startAddImage's answer.
    store.getState().handleAddEvent(event({ type: 'phase', phase: 'preflight' }));
    answer({ ok: true, value: { jobId: 'add-1' } });
    await settle();
    expect(bridge.startAddImage).toHaveBeenCalledWith({ isoPath: '/isos/two.iso', device: '/dev/sdb', expectedSize: 16 * GiB, overlaySize: GiB, homeSize: GiB / 2, name: 'Mine' });
    expect(store.getState()).toMatchObject({ addStatus: 'running', addPhasesSeen: ['preflight'] });
    store.getState().handleAddEvent(event({ type: 'progress', phase: 'copy', bytesDone: 10, bytesTotal: 40, speed: 5, eta: 6 }));
    store.getState().handleAddEvent(event({ type: 'phase', phase: 'boot' }, 'another-job'));
    expect(store.getState()).toMatchObject({ addPhase: 'copy', addPhasesSeen: ['preflight', 'copy'], addProgress: { bytesDone: 10, bytesTotal: 40 } });
    const after = listOf('/dev/sdb', ['LiveOS', 'ab12']);
    store.getState().handleAddEvent(event({ type: 'result', value: { dir: 'ab12', name: 'Mine', freeBefore: 4 * GiB, freeAfter: GiB, list: after } }));
    expect(store.getState()).toMatchObject({ addStatus: 'done', addStep: 'done', addResult: { dir: 'ab12', name: 'Mine' } });
    expect(store.getState().imageList?.images.map((i) => i.dir)).toEqual(['LiveOS', 'ab12']);
    store.getState().leaveAdd();
    expect(store.getState()).toMatchObject({ addStep: null, addTarget: null, addStatus: 'idle' });
  });

  it('an add refused by main or failed in the worker shows the error; cancel reaches the job; the view cannot be left meanwhile', async () => {
    const bridge = fakeBridge();
    install(bridge);
    await store.getState().refreshMultiDrives();
    store.getState().chooseMultiDrive('/dev/sdb');
    await store.getState().listImages();
    store.getState().beginAdd();
    await store.getState().chooseAddIso('/isos/two.iso');
    await store.getState().startAdd();
    store.getState().leaveAdd(); // refused while it runs
    store.getState().goAddStep('review'); // likewise
    expect(store.getState()).toMatchObject({ addStep: 'run', addStatus: 'running' });
    await store.getState().cancelAdd();
    expect(bridge.cancelJob).toHaveBeenCalledWith('add-1');
    store.getState().handleAddEvent(event({ type: 'error', phase: 'copy', error: toErrorPayload(new StickwrightError('CANCELLED', 'what this add made was removed')) }));
    expect(store.getState()).toMatchObject({ addStatus: 'failed', addErrorPhase: 'copy', addError: { code: 'CANCELLED' } });

    bridge.startAddImage.mockImplementation(async () => ({ ok: false as const, error: toErrorPayload(new StickwrightError('TARGET_CHANGED', 'a swapped stick')) }) as never);
    await store.getState().startAdd();
    expect(store.getState()).toMatchObject({ addStatus: 'failed', addError: { code: 'TARGET_CHANGED' } });
  });
});
