// The restore view's store: the drive chosen (with the filesystem for its size), the restore
// started for the drive as listed, its events from the one job channel, and its error.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Drive } from '../../shared/contract/drive';
import type { WorkerEvent } from '../../shared/contract/events';
import type { Bridge } from '../lib/api';
import type * as StoreModule from './index';

const GiB = 2 ** 30;
function drive(device: string, size = 16 * GiB, isSystem = false): Drive {
  return { device, description: 'USB stick', size, isSystem, isRemovable: true, busType: 'USB', mountpoints: [], isDevelopment: false };
}
const result = { target: '/dev/sdb', targetKind: 'block', fs: 'fat32', label: 'MYFILES', partition: { start: 2 ** 20, size: 16 * GiB - 2 ** 20, type: 12 }, fsck: 'no errors', elapsedMs: 900 };

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
const event = (jobId: string, body: Record<string, unknown>) => ({ v: 1, jobId, ...body }) as WorkerEvent;

describe('restoreSlice', () => {
  it('from Done: the drive chosen, system drives never offered, exFAT picked for a big stick; the restore names the drive as listed', async () => {
    const startRestore = vi.fn(async () => ({ ok: true as const, value: { jobId: 'r1' } }));
    install({ listDrives: vi.fn(async () => ({ ok: true as const, value: [drive('/dev/sdb'), drive('/dev/sdc', 64 * GiB), drive('/dev/sda', 16 * GiB, true)] })), startRestore });
    store.getState().openRestore('/dev/sdc');
    await settle();
    expect(store.getState().view).toBe('restore');
    expect(store.getState().restoreDrives.map((d) => d.device)).toEqual(['/dev/sdb', '/dev/sdc']);
    expect(store.getState().restoreDevice).toBe('/dev/sdc');
    expect(store.getState().restoreFs).toBe('exfat');
    // The person's choice of filesystem stays; another drive gets the default for its size.
    store.getState().chooseRestoreDrive('/dev/sdb');
    expect(store.getState().restoreFs).toBe('fat32');
    store.getState().setRestoreLabel('MYFILES');
    await store.getState().startRestore();
    expect(startRestore).toHaveBeenCalledWith({ device: '/dev/sdb', expectedSize: 16 * GiB, fs: 'fat32', label: 'MYFILES' });
    expect(store.getState().restoreStatus).toBe('running');
  });

  it('events of its own job only: phases, then the result; events before the job id are kept', async () => {
    let answer: (v: { ok: true; value: { jobId: string } }) => void = () => {};
    install({
      listDrives: vi.fn(async () => ({ ok: true as const, value: [drive('/dev/sdb')] })),
      startRestore: vi.fn(() => new Promise<{ ok: true; value: { jobId: string } }>((r) => (answer = r))),
    });
    store.getState().openRestore('/dev/sdb');
    await settle();
    const started = store.getState().startRestore();
    store.getState().handleRestoreEvent(event('r2', { type: 'phase', phase: 'partition' }));
    answer({ ok: true, value: { jobId: 'r2' } });
    await started;
    expect(store.getState().restorePhasesSeen).toEqual(['partition']);
    store.getState().handleRestoreEvent(event('someone-else', { type: 'phase', phase: 'copy' }));
    store.getState().handleRestoreEvent(event('r2', { type: 'phase', phase: 'format' }));
    expect(store.getState().restorePhasesSeen).toEqual(['partition', 'format']);
    store.getState().handleRestoreEvent(event('r2', { type: 'result', value: result }));
    expect(store.getState().restoreStatus).toBe('done');
    expect(store.getState().restoreResult).toMatchObject({ fs: 'fat32', label: 'MYFILES' });
  });

  it('a refusal from main or an error event: failed with the code, nothing started for a bad label', async () => {
    const startRestore = vi.fn(async () => ({ ok: false as const, error: { code: 'TARGET_BUSY' as const, message: 'm', hint: 'h', detail: '/dev/sdb is still being written', data: {} } }));
    install({ listDrives: vi.fn(async () => ({ ok: true as const, value: [drive('/dev/sdb')] })), startRestore });
    store.getState().openRestore('/dev/sdb');
    await settle();
    store.getState().setRestoreLabel('TOO LONG FOR FAT');
    await store.getState().startRestore();
    expect(startRestore).not.toHaveBeenCalled();
    store.getState().setRestoreLabel('DATA');
    await store.getState().startRestore();
    expect(store.getState().restoreStatus).toBe('failed');
    expect(store.getState().restoreError?.code).toBe('TARGET_BUSY');
    store.getState().clearRestore();
    expect(store.getState().restoreStatus).toBe('idle');
  });
});
