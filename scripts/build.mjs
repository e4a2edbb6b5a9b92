// npm run build: bundles every entry point.
//   dist/cli.js              the `stickwright` CLI (plain Node, ESM, self-contained)
//   dist/worker.js           the elevated worker (plain Node, ESM, self-contained)
//   dist/electron/main.js    Electron main (ESM; electron stays external)
//   dist/electron/preload.cjs  the preload (CommonJS: sandboxed preloads cannot be ESM)
//   renderer/dist/           the page (Vite)
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { readFileSync, rmSync, chmodSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const define = { __STICKWRIGHT_VERSION__: JSON.stringify(pkg.version) };
// Bundled CommonJS dependencies inside an ESM file still call require(); give them one.
const requireShim = "import { createRequire as __swCreateRequire } from 'node:module'; const require = __swCreateRequire(import.meta.url);";

rmSync('dist', { recursive: true, force: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  legalComments: 'none',
  define,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...node, entryPoints: ['electron/cli/index.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${requireShim}` } }),
  build({ ...node, entryPoints: ['electron/worker/main.ts'], outfile: 'dist/worker.js', banner: { js: `#!/usr/bin/env node\n${requireShim}` } }),
  // The demo (npm run demo) drives the CLI and the QEMU harness; a development tool, not shipped.
  build({ ...node, entryPoints: ['e2e/demo.ts'], outfile: 'dist/demo.js', banner: { js: requireShim } }),
  build({ ...node, entryPoints: ['electron/main/index.ts'], outfile: 'dist/electron/main.js', external: ['electron', 'drivelist'], banner: { js: requireShim } }),
  build({ ...node, entryPoints: ['electron/preload/index.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
]);
chmodSync('dist/cli.js', 0o755);
chmodSync('dist/worker.js', 0o755);

await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
console.log('build: dist/ and renderer/dist/ are ready');
