// Electron main: app lifecycle, the one window, the app:// protocol and the IPC handlers.
// Runs unprivileged. Everything security-relevant is a plain module beside this file, tested
// under Node (there is no Electron binary in CI).
import { app, BrowserWindow, dialog, ipcMain, protocol, net, session } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mainWindowOptions, APP_ENTRY_URL } from './windowOptions';
import { resolveAppUrl } from './appUrl';
import { registerApi } from './ipc/registerApi';
import { createHandlers } from './ipc/handlers';
import { developmentDrivesFromEnv, listDrives } from './drives/listDrives';
import { JOB_EVENT_CHANNEL } from '../../shared/contract/apiMethods';
import { workerRunner } from './jobs/launchWorker';
import { ejectDrive } from './drives/ejectDrive';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', '..', 'renderer', 'dist');
const preloadPath = path.join(here, 'preload.cjs');

// Must run before `ready` (Electron docs, protocol.registerSchemesAsPrivileged).
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true } }]);

if (!app.requestSingleInstanceLock()) app.quit();

// Every webContents: no navigation, no new windows, no webviews (checklist 11-14; electron#5919).
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

let mainWindow: BrowserWindow | null = null;

async function createWindow(): Promise<void> {
  const window = new BrowserWindow(mainWindowOptions(preloadPath, { devTools: !app.isPackaged }));
  mainWindow = window;
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(APP_ENTRY_URL);
}

void app.whenReady().then(async () => {
  // Deny every permission request (camera, notifications, …): the app needs none (checklist 5).
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  protocol.handle('app', (request) => {
    const file = resolveAppUrl(request.url, rendererDir);
    if (!file) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });

  registerApi(
    ipcMain,
    createHandlers({
      version: app.getVersion(),
      platform: process.platform,
      pickIsoFile: async () => {
        const result = await dialog.showOpenDialog({
          title: 'Choose a live ISO or disk image',
          properties: ['openFile'],
          // Disk images are written as is (raw mode); the dialog matches the last extension only.
          filters: [
            { name: 'ISO and disk images', extensions: ['iso', 'img', 'raw', 'xz', 'gz', 'zst', 'bz2', 'zip'] },
            { name: 'ISO images', extensions: ['iso'] },
            { name: 'All files', extensions: ['*'] },
          ],
        });
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      listDrives: () => listDrives({ platform: process.platform, developmentDrives: () => developmentDrivesFromEnv(process.env, app.isPackaged) }),
      // Packaged: resources/worker/worker.js (extraResources), outside app.asar so Node can run it.
      jobs: workerRunner({ packaged: app.isPackaged, appDir: app.isPackaged ? path.join(process.resourcesPath, 'worker') : path.join(here, '..') }),
      sendJobEvent: (event) => mainWindow?.webContents.send(JOB_EVENT_CHANNEL, event),
      ejectDrive,
    }),
    (message) => console.warn(`[ipc] ${message}`),
  );

  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
