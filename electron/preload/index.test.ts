import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHOD_NAMES, channelOf } from '../../shared/contract/apiMethods';

// The preload surface (T31): exactly the contract's methods plus pathForFile, all functions,
// nothing that leaks ipcRenderer, require or process.
const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null }));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void (exposed[key] = value) },
  ipcRenderer: { invoke: (...args: unknown[]) => invoke(...args) },
  webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
}));

describe('preload bridge', () => {
  beforeEach(async () => {
    await import('./index');
  });

  it('exposes one global with exactly the contract methods and pathForFile', () => {
    expect(Object.keys(exposed)).toEqual(['stickwright']);
    const api = exposed.stickwright as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...API_METHOD_NAMES, 'pathForFile', 'onJobEvent'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    for (const leak of ['ipcRenderer', 'require', 'process', 'send', 'on', 'invoke']) expect(api).not.toHaveProperty(leak);
  });

  it('each method invokes its own prefixed channel with the arguments only', async () => {
    const api = exposed.stickwright as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await api.inspectIso?.('/a.iso');
    expect(invoke).toHaveBeenLastCalledWith(channelOf('inspectIso'), '/a.iso');
    await api.appInfo?.();
    expect(invoke).toHaveBeenLastCalledWith(channelOf('appInfo'));
  });
});
