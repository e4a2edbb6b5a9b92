import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from './windowOptions';

describe('main window options (T29)', () => {
  it('pins every security setting', () => {
    const { webPreferences } = mainWindowOptions('/app/preload.cjs', { devTools: false });
    expect(webPreferences).toEqual({
      preload: '/app/preload.cjs',
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
      devTools: false,
    });
    expect(webPreferences).not.toHaveProperty('enableBlinkFeatures');
  });
});
