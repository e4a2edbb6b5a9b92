import { defineConfig } from 'vite';

// The renderer bundle: renderer/ → renderer/dist/, loaded by Electron through app://stickwright/.
// Relative base so the same files also load from a test server. No inline scripts (the CSP
// forbids them), so modulePreload's polyfill is off.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'chrome120',
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
