// The app without the Electron binary: the built renderer in Debian's Chromium, with
// window.stickwright bridged to the REAL main-process handlers (electron/main/ipc) through
// callApi — the same sender check, schema parse and error mapping the app uses. Native dialogs are
// stubbed at the main boundary (HandlerDeps.pickIsoFile), as Joplin's e2e suite does.
import { chromium, type Browser, type Page } from 'playwright';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callApi, type IpcEventLike } from '../../electron/main/ipc/registerApi';
import { createHandlers, type HandlerDeps } from '../../electron/main/ipc/handlers';
import { API_METHOD_NAMES, type ApiMethodName } from '../../shared/contract/apiMethods';
import type { WorkerEvent } from '../../shared/contract/events';
import { listDrives } from '../../electron/main/drives/listDrives';
import { workerRunner } from '../../electron/main/jobs/launchWorker';
import { serveBundle, type StaticServer } from './staticServer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env.STICKWRIGHT_CHROMIUM ?? '/usr/bin/chromium';

export interface HarnessOptions {
  /** What the stubbed native file picker answers. */
  pickIsoFile?: HandlerDeps['pickIsoFile'];
  colorScheme?: 'light' | 'dark';
  /** The development drives (loop devices, image files) the app lists; the test may change the
   *  array while the app runs, as a stick being plugged in. */
  devDrives?: string[];
  /** Stand-in for "safely eject" (the real one powers off USB drives). */
  ejectDrive?: HandlerDeps['ejectDrive'];
  /** Where worker.js is; default the repo's dist/ (a test may run a private copy, safe from rebuilds). */
  workerDir?: string;
}

export interface AppHarness {
  readonly page: Page;
  readonly calls: string[];
  /** Every job event main relayed to the page, in order. */
  readonly events: WorkerEvent[];
  close(): Promise<void>;
}

/** The event main would see from our own page's main frame. */
const OUR_FRAME: IpcEventLike = { senderFrame: { url: 'app://stickwright/index.html', parent: null } };

export async function launchApp(options: HarnessOptions = {}): Promise<AppHarness> {
  const server: StaticServer = await serveBundle(path.join(repoRoot, 'renderer', 'dist'));
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ colorScheme: options.colorScheme ?? 'light', viewport: { width: 960, height: 680 } });
    const page = await context.newPage();
    const events: WorkerEvent[] = [];
    const devDrives = options.devDrives ?? [];
    const handlers = createHandlers({
      version: '0.0.0-test',
      platform: process.platform,
      pickIsoFile: options.pickIsoFile ?? (async () => null),
      listDrives: () => listDrives({ platform: process.platform, developmentDrives: () => devDrives }),
      // The real worker bundle as a child process; the tests run as root, so no pkexec.
      jobs: workerRunner({ packaged: false, appDir: options.workerDir ?? path.join(repoRoot, 'dist') }),
      sendJobEvent: (event) => {
        events.push(event);
        void page.evaluate((e) => (window as unknown as { __stickwrightJobEvent: (e: unknown) => void }).__stickwrightJobEvent(e), event).catch(() => undefined);
      },
      ejectDrive: options.ejectDrive ?? (async (device) => ({ ejected: true, message: `${device} is a virtual stick: nothing to power off` })),
    });
    const calls: string[] = [];
    await page.exposeFunction('__stickwrightCall', (method: ApiMethodName, args: unknown[]) => {
      calls.push(method);
      return callApi(handlers, method, OUR_FRAME, args);
    });
    await page.addInitScript((methods: readonly string[]) => {
      const call = (window as unknown as { __stickwrightCall: (m: string, a: unknown[]) => Promise<unknown> }).__stickwrightCall;
      const api: Record<string, unknown> = {};
      for (const m of methods) api[m] = (...args: unknown[]) => call(m, args);
      api.pathForFile = (file: File) => file.name;
      // Main → page events, as the preload's onJobEvent delivers them.
      const listeners = new Set<(e: unknown) => void>();
      api.onJobEvent = (listener: (e: unknown) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      };
      Object.defineProperty(window, '__stickwrightJobEvent', { value: (e: unknown) => listeners.forEach((l) => l(e)) });
      Object.defineProperty(window, 'stickwright', { value: Object.freeze(api) });
    }, [...API_METHOD_NAMES]);
    await page.goto(server.url);
    const opened = browser;
    return {
      page,
      calls,
      events,
      close: async () => {
        await opened.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}
