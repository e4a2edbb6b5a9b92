// The drive list as the store keeps it: a drive that goes away (or comes back with another size)
// is unselected and nothing else is ever selected for the user (T5).
import { afterEach, describe, expect, it } from 'vitest';
import type { Drive } from '../../shared/contract/drive';
import type { Bridge } from '../lib/api';

const GiB = 2 ** 30;
const stick = (device: string, size = 8 * GiB): Drive => ({
  device,
  description: `Stick ${device}`,
  size,
  isSystem: false,
  isRemovable: true,
  busType: 'USB',
  mountpoints: [],
  isDevelopment: false,
});

let listed: Drive[] = [];
const requests: boolean[] = [];
const fake = {
  listDrives: async ({ showAll }: { showAll: boolean }) => {
    requests.push(showAll);
    return { ok: true as const, value: listed };
  },
} as unknown as Bridge;
(globalThis as unknown as { window: { stickwright: Bridge } }).window = { stickwright: fake };

const { useAppStore } = await import('./index');

afterEach(() => {
  useAppStore.setState(useAppStore.getInitialState(), true);
  requests.length = 0;
});

describe('drivesSlice', () => {
  it('keeps the selection while the drive stays, drops it when it goes, never picks another', async () => {
    listed = [stick('/dev/sdb'), stick('/dev/sdc')];
    const store = useAppStore.getState();
    await store.refreshDrives();
    store.selectDrive(useAppStore.getState().drives[0] ?? null);
    await useAppStore.getState().refreshDrives();
    expect(useAppStore.getState().selectedDrive?.device).toBe('/dev/sdb');
    listed = [stick('/dev/sdc')];
    await useAppStore.getState().refreshDrives();
    expect(useAppStore.getState().selectedDrive).toBeNull();
    listed = [stick('/dev/sdb'), stick('/dev/sdc')];
    await useAppStore.getState().refreshDrives();
    expect(useAppStore.getState().selectedDrive).toBeNull();
  });

  it('a different stick in the same slot (another size) is not the chosen one', async () => {
    listed = [stick('/dev/sdb')];
    await useAppStore.getState().refreshDrives();
    useAppStore.getState().selectDrive(useAppStore.getState().drives[0] ?? null);
    listed = [stick('/dev/sdb', 16 * GiB)];
    await useAppStore.getState().refreshDrives();
    expect(useAppStore.getState().selectedDrive).toBeNull();
  });

  it('asks main for system drives only after showAll, and unselects a system drive when hiding them again', async () => {
    listed = [{ ...stick('/dev/sda', 500 * GiB), isSystem: true }];
    useAppStore.getState().setShowAll(true);
    await expect.poll(() => useAppStore.getState().drives.length).toBe(1);
    useAppStore.getState().selectDrive(useAppStore.getState().drives[0] ?? null);
    useAppStore.getState().setShowAll(false);
    expect(useAppStore.getState().selectedDrive).toBeNull();
    expect(requests).toContain(true);
    await expect.poll(() => requests.at(-1)).toBe(false);
  });
});
