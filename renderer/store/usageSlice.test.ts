import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Drive } from '../../shared/contract/drive';
import type { Result } from '../../shared/contract/result';
import type { UsageReport } from '../../shared/usage/usageReport';
import { StickwrightError, toErrorPayload } from '../../shared/errors';
import type { Bridge } from '../lib/api';
import type * as StoreModule from './index';

function drive(device: string, isSystem = false): Drive {
  return { device, description: 'USB stick', size: 16e9, isSystem, isRemovable: true, busType: 'USB', mountpoints: [], isDevelopment: false };
}
const reportFor = (device: string) => ({ stick: { path: device } }) as unknown as UsageReport;

/** A bridge whose answers the test releases one by one. */
function fakeBridge(drives: Drive[]) {
  const pending: Array<{ device: string; resolve: (r: Result<UsageReport>) => void }> = [];
  const bridge = {
    listDrives: vi.fn(async () => ({ ok: true as const, value: drives })),
    readUsage: vi.fn((device: string) => new Promise<Result<UsageReport>>((resolve) => pending.push({ device, resolve }))),
  };
  return { bridge, pending };
}

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

describe('usageSlice', () => {
  it('openHealth(device) — from Done — shows the view, chooses that drive and checks it', async () => {
    const { bridge, pending } = fakeBridge([drive('/dev/sdb'), drive('/dev/sdc'), drive('/dev/sda', true)]);
    install(bridge);
    store.getState().openHealth('/dev/sdc');
    expect(store.getState().view).toBe('health');
    await settle();
    expect(bridge.listDrives).toHaveBeenCalledWith({ showAll: false });
    expect(store.getState().healthDrives.map((d) => d.device)).toEqual(['/dev/sdb', '/dev/sdc']); // never a system drive
    expect(store.getState()).toMatchObject({ healthDevice: '/dev/sdc', usageLoading: true });
    pending[0]?.resolve({ ok: true, value: reportFor('/dev/sdc') });
    await settle();
    expect(store.getState()).toMatchObject({ usageLoading: false, usageDevice: '/dev/sdc', usageError: null });
    expect(store.getState().usageReport?.stick.path).toBe('/dev/sdc');
    store.getState().closeHealth();
    expect(store.getState().view).toBe('wizard');
  });

  it('from the header, nothing is chosen among several drives; the only drive is', async () => {
    const several = fakeBridge([drive('/dev/sdb'), drive('/dev/sdc')]);
    install(several.bridge);
    store.getState().openHealth();
    await settle();
    expect(store.getState().healthDevice).toBeNull();
    expect(several.bridge.readUsage).not.toHaveBeenCalled();
    const one = fakeBridge([drive('/dev/sdd')]);
    install(one.bridge);
    await store.getState().refreshHealthDrives();
    expect(store.getState().healthDevice).toBe('/dev/sdd');
  });

  it('a slower check of a drive no longer chosen never overwrites the newer answer', async () => {
    const { bridge, pending } = fakeBridge([drive('/dev/sdb'), drive('/dev/sdc')]);
    install(bridge);
    await store.getState().refreshHealthDrives();
    store.getState().chooseHealthDrive('/dev/sdb');
    void store.getState().checkUsage();
    store.getState().chooseHealthDrive('/dev/sdc');
    expect(store.getState()).toMatchObject({ usageLoading: false, usageReport: null });
    void store.getState().checkUsage();
    pending[1]?.resolve({ ok: true, value: reportFor('/dev/sdc') });
    await settle();
    pending[0]?.resolve({ ok: true, value: reportFor('/dev/sdb') });
    await settle();
    expect(store.getState().usageDevice).toBe('/dev/sdc');
    expect(store.getState().usageReport?.stick.path).toBe('/dev/sdc');
  });

  it('an error is kept with its code for the drive it is about; a drive that went away is unchosen', async () => {
    const drives = [drive('/dev/sdb')];
    const { bridge, pending } = fakeBridge(drives);
    install(bridge);
    await store.getState().refreshHealthDrives();
    void store.getState().checkUsage();
    pending[0]?.resolve({ ok: false, error: toErrorPayload(new StickwrightError('STICK_NO_LIVE_IMAGE', 'no filesystem')) });
    await settle();
    expect(store.getState()).toMatchObject({ usageReport: null, usageDevice: '/dev/sdb', usageError: { code: 'STICK_NO_LIVE_IMAGE' } });
    drives.length = 0;
    await store.getState().refreshHealthDrives();
    expect(store.getState().healthDevice).toBeNull();
  });
});
