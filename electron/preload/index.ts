// The preload: exposes exactly the contract's methods as window.stickwright, plus pathForFile for
// dropped files. Never a raw ipcRenderer or channel name (Electron checklist item 20).
// Bundled to CommonJS: sandboxed preloads cannot load ES modules (Electron docs/tutorial/esm.md).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { API_METHOD_NAMES, channelOf, JOB_EVENT_CHANNEL } from '../../shared/contract/apiMethods';

const api: Record<string, unknown> = {};
for (const method of API_METHOD_NAMES) {
  api[method] = (...args: unknown[]) => ipcRenderer.invoke(channelOf(method), ...args);
}
// The renderer cannot read a dropped File's path itself (File.path was removed in Electron 32).
api.pathForFile = (file: Parameters<typeof webUtils.getPathForFile>[0]) => webUtils.getPathForFile(file);

// Job events from main: the listener gets the event only (never the IpcRendererEvent, whose
// `sender` would hand the page ipcRenderer itself). Returns the unsubscribe function.
api.onJobEvent = (listener: (event: unknown) => void) => {
  const forward = (_event: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(JOB_EVENT_CHANNEL, forward);
  return () => {
    ipcRenderer.removeListener(JOB_EVENT_CHANNEL, forward);
  };
};

contextBridge.exposeInMainWorld('stickwright', Object.freeze(api));
