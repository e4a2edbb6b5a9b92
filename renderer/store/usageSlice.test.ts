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

  it('reset and grow run on the drive the report is about, one at a time, and show the report they answer with', async () => {
    const { bridge, pending } = fakeBridge([drive('/dev/sdb')]);
    const after = { stick: { path: '/dev/sdb' }, images: [{ dir: 'LiveOS', overlay: { kind: 'dm-snapshot', fileBytes: 512 * 2 ** 20 } }] } as unknown as UsageReport;
    let answer: (r: Result<UsageReport>) => void = () => undefined;
    const growOverlay = vi.fn(() => new Promise<Result<UsageReport>>((resolve) => (answer = resolve)));
    const resetOverlay = vi.fn(async () => ({ ok: false as const, error: toErrorPayload(new StickwrightError('RESET_NOT_POSSIBLE', 'fragmented')) }));
    install({ ...bridge, growOverlay, resetOverlay });
    await store.getState().refreshHealthDrives();
    void store.getState().checkUsage();
    pending[0]?.resolve({ ok: true, value: reportFor('/dev/sdb') });
    await settle();
    void store.getState().growOverlay('LiveOS', 512 * 2 ** 20);
    expect(store.getState().maintaining).toEqual({ kind: 'grow', device: '/dev/sdb', dir: 'LiveOS' });
    void store.getState().resetOverlay('LiveOS'); // refused while the grow runs
    void store.getState().checkUsage(); // likewise
    expect(resetOverlay).not.toHaveBeenCalled();
    expect(bridge.readUsage).toHaveBeenCalledTimes(1);
    answer({ ok: true, value: after });
    await settle();
    expect(growOverlay).toHaveBeenCalledWith('/dev/sdb', 'LiveOS', 512 * 2 ** 20);
    expect(store.getState()).toMatchObject({ maintaining: null, usageReport: after, maintainOutcome: { kind: 'grow', ok: true, message: 'The overlay of /LiveOS is now 512 MiB; every change was kept.' } });
    await store.getState().resetOverlay('LiveOS');
    expect(store.getState().maintainOutcome).toMatchObject({ kind: 'reset', ok: false, error: { code: 'RESET_NOT_POSSIBLE' } });
    expect(store.getState().usageReport).toBe(after); // a refusal changes nothing shown
  });
});
