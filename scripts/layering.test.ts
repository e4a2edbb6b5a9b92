// The layer boundaries are lint errors (docs/ARCHITECTURE.md). This pins them, so a change to
// eslint.config.js cannot quietly open a hole.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? 'fatal');
}

describe('layer boundaries', () => {
  it.each([
    ['shared/x.ts', "import fs from 'node:fs'; export const a = fs;"],
    ['shared/x.ts', "import { app } from 'electron'; export const a = app;"],
    ['shared/x.ts', "import { inspectIso } from '../electron/engine/inspect/inspectIso'; export const a = inspectIso;"],
    ['electron/engine/x.ts', "import { app } from 'electron'; export const a = app;"],
    ['electron/engine/x.ts', "import { exec } from 'node:child_process'; export const a = exec;"],
    ['electron/cli/x.ts', "import { BrowserWindow } from 'electron'; export const a = BrowserWindow;"],
    ['electron/worker/x.ts', "import { ipcMain } from 'electron'; export const a = ipcMain;"],
    ['electron/preload/x.ts', "import fs from 'node:fs'; export const a = fs;"],
    ['electron/preload/x.ts', "import { apiContract } from '../../shared/contract/api'; export const a = apiContract;"],
    ['renderer/x.ts', "import fs from 'fs'; export const a = fs;"],
    ['renderer/x.ts', "import { ipcRenderer } from 'electron'; export const a = ipcRenderer;"],
    ['renderer/x.ts', "import { inspectIso } from '../electron/engine/inspect/inspectIso'; export const a = inspectIso;"],
  ])('%s may not: %s', async (file, code) => {
    expect(await errorsFor(file, code)).toContain('no-restricted-imports');
  });

  it('an execa call with shell: true is an error anywhere', async () => {
    expect(await errorsFor('electron/engine/x.ts', "export const o = { shell: true };")).toContain('no-restricted-syntax');
  });

  // T24: no shell, ever, in electron/** (product code; tests may carry hostile strings).
  it.each([
    ['electron/engine/x.ts', "export const o = { shell: '/bin/bash' };"],
    ['electron/engine/x.ts', "export const o = { reject: false, shell: process.env.SHELL };"],
    ['electron/main/x.ts', "import { execSync } from 'node:child_process'; export const a = execSync;"],
    ['electron/main/x.ts', "import { exec } from 'child_process'; export const a = exec;"],
    ['electron/worker/x.ts', "import { execaCommand } from 'execa'; export const a = execaCommand;"],
    ['electron/cli/x.ts', "import { execa } from 'execa'; export const a = execa('bash', ['-c', 'touch /tmp/x']);"],
    ['electron/engine/x.ts', "import { execa } from 'execa'; export const a = execa('/bin/sh', ['script.sh']);"],
    ['electron/engine/x.ts', "export const argv = ['env', 'sh -c \"rm -rf /\"'];"],
    ['electron/main/x.ts', "export const line = (x: string) => `bash -c ${x}`;"],
  ])('T24: %s may not run a shell: %s', async (file, code) => {
    expect(await errorsFor(file, code)).toContain('no-restricted-syntax');
  });

  it.each([
    ['electron/engine/x.ts', "import { execa } from 'execa'; export const a = execa('mkfs.ext4', ['-q', '-L', 'LIVE'], { shell: false });"],
    ['electron/engine/x.ts', "export const m = /^(\\d+)$/.exec('12');"],
    ['e2e/x.test.ts', "import { execFileSync } from 'node:child_process'; export const a = execFileSync('bash', ['build.sh']);"],
  ])('T24: %s may: %s', async (file, code) => {
    expect(await errorsFor(file, code)).toEqual([]);
  });

  it.each([
    ['shared/x.ts', "import { z } from 'zod'; export const a = z;"],
    ['electron/engine/x.ts', "import fs from 'node:fs'; import { ERROR_CATALOG } from '../../shared/errors'; export const a = [fs, ERROR_CATALOG];"],
    ['electron/main/x.ts', "import { app } from 'electron'; export const a = app;"],
    ['renderer/x.ts', "import { formatBytes } from '../shared/units'; export const a = formatBytes;"],
  ])('%s may: %s', async (file, code) => {
    expect(await errorsFor(file, code)).toEqual([]);
  });
});
