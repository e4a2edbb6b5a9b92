// The one window's options, as a plain function so a test can pin every security setting
// without an Electron binary (Electron security checklist items 2-4, 6, 8-12).
export interface WindowOptions {
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly show: boolean;
  readonly title: string;
  readonly backgroundColor: string;
  readonly webPreferences: {
    readonly preload: string;
    readonly sandbox: true;
    readonly contextIsolation: true;
    readonly nodeIntegration: false;
    readonly nodeIntegrationInWorker: false;
    readonly nodeIntegrationInSubFrames: false;
    readonly webSecurity: true;
    readonly allowRunningInsecureContent: false;
    readonly webviewTag: false;
    readonly experimentalFeatures: false;
    readonly spellcheck: false;
    readonly devTools: boolean;
  };
}

export function mainWindowOptions(preloadPath: string, opts: { devTools: boolean }): WindowOptions {
  return {
    width: 960,
    height: 680,
    minWidth: 720,
    minHeight: 520,
    show: false, // shown on ready-to-show, so no white flash
    title: 'Stickwright',
    backgroundColor: '#1b1d23',
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
      devTools: opts.devTools,
    },
  };
}

/** The page's own origin: the app:// protocol serving renderer/dist (checklist item 18). */
export const APP_ORIGIN = 'app://stickwright';
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
