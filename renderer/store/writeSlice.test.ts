// The write in raw mode: startWrite sends startRawWrite (never a persistent write) for the drive
// as chosen, and the result is read as a raw write's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Drive } from '../../shared/contract/drive';
import type { WorkerEvent } from '../../shared/contract/events';
import type { Bridge } from '../lib/api';
import type * as StoreModule from './index';

const GiB = 2 ** 30;
const stick: Drive = { device: '/dev/sdb', description: 'USB stick', size: 16 * GiB, isSystem: false, isRemovable: true, busType: 'USB', mountpoints: [], isDevelopment: false };

let store: typeof StoreModule.useAppStore;
beforeEach(async () => {
  vi.resetModules();
  store = (await import('./index')).useAppStore;
});
afterEach(() => {
  Reflect.deleteProperty(globalThis, 'window');
});

describe('writeSlice (raw mode)', () => {
  it('sends startRawWrite with verify on, then reads the result as a raw write (bytes written and verified)', async () => {
    const startRawWrite = vi.fn(async () => ({ ok: true as const, value: { jobId: 'w1' } }));
    const startWrite = vi.fn();
    Object.defineProperty(globalThis, 'window', { value: { stickwright: { startRawWrite, startWrite } satisfies Partial<Bridge> }, configurable: true });
    store.setState({ isoPath: '/images/memstick.img.xz', report: null, selectedDrive: stick });
    await store.getState().startWrite({ mode: 'raw' });
    expect(startWrite).not.toHaveBeenCalled();
    expect(startRawWrite).toHaveBeenCalledWith({ imagePath: '/images/memstick.img.xz', device: '/dev/sdb', expectedSize: 16 * GiB, verify: true });
    expect(store.getState()).toMatchObject({ step: 'write', writeStatus: 'running', written: { mode: 'raw', plan: null } });
    const value = { target: '/dev/sdb', image: { path: '/images/memstick.img.xz', compression: 'xz', entry: null, fileBytes: 900, bytes: 4096 }, bytesWritten: 4096, verified: { bytes: 4096, ranges: 1, direct: true }, elapsedMs: 5 };
    store.getState().handleJobEvent({ v: 1, jobId: 'w1', type: 'result', value } as WorkerEvent);
    expect(store.getState()).toMatchObject({ step: 'done', writeStatus: 'done', rawResult: { bytesWritten: 4096, verified: { bytes: 4096 } }, writeResult: null });
  });

  it('a persistent write still needs the inspect report', async () => {
    const startWrite = vi.fn();
    Object.defineProperty(globalThis, 'window', { value: { stickwright: { startWrite } }, configurable: true });
    store.setState({ isoPath: '/images/memstick.img.xz', report: null, selectedDrive: stick });
    await store.getState().startWrite();
    expect(startWrite).not.toHaveBeenCalled();
    expect(store.getState().writeStatus).toBe('idle');
  });
});
