// The preload: exposes exactly the contract's methods as window.stickwright, plus pathForFile for
// dropped files. Never a raw ipcRenderer or channel name (Electron checklist item 20).
// Bundled to CommonJS: sandboxed preloads cannot load ES modules (Electron docs/tutorial/esm.md).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { API_METHOD_NAMES, channelOf } from '../../shared/contract/apiMethods';

const api: Record<string, unknown> = {};
for (const method of API_METHOD_NAMES) {
  api[method] = (...args: unknown[]) => ipcRenderer.invoke(channelOf(method), ...args);
}
// The renderer cannot read a dropped File's path itself (File.path was removed in Electron 32).
api.pathForFile = (file: Parameters<typeof webUtils.getPathForFile>[0]) => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('stickwright', Object.freeze(api));
