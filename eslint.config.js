// Lint: TypeScript rules plus the layer boundaries as errors (GUIDE.md, style-security.md A.3):
//   shared/            pure: no Node, no Electron, no React, no DOM-only code
//   electron/engine, electron/cli, electron/worker   plain Node: never `electron`
//   electron/preload   Electron renderer APIs and shared/contract names only
//   renderer/          the page: no Node, no Electron, no engine
// and no shell anywhere: external programs run through execa with an argv array.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const restrict = (paths = [], patterns = []) => ['error', { paths, patterns }];
const noElectron = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };
const nodeBuiltinsBanned = nodeBuiltins.map((name) => ({ name, message: 'This layer runs without Node.' }));

/** A shell interpreter by name or path: sh, bash, dash, zsh, /bin/sh, /usr/bin/env bash. */
const SHELL_WORD = String.raw`(^|[\s/])(ba|da|z|k|c|tc|fi)?sh\s+-c\b`;
const SHELL_PROGRAM = String.raw`^(\/usr)?(\/bin\/)?(ba|da|z|k|c|tc|fi)?sh$`;
const NO_SHELL = [
  { selector: "Property[key.name='shell']:not([value.value=false])", message: 'No shell: pass an argv array (shell: false is the only allowed value).' },
  {
    selector: "ImportSpecifier[imported.name=/^(exec|execSync|execaCommand|execaCommandSync)$/]",
    message: 'No shell-string commands: use execa(program, [argv...]) (engine/system/runTool.ts).',
  },
  { selector: "MemberExpression[object.name=/^(child_process|childProcess|cp)$/][property.name=/^exec(Sync)?$/]", message: 'No child_process.exec: it runs a shell.' },
  { selector: `Literal[value=/${SHELL_WORD}/]`, message: 'No "sh -c"/"bash -c": pass an argv array to execa.' },
  { selector: `TemplateElement[value.raw=/${SHELL_WORD}/]`, message: 'No "sh -c"/"bash -c": pass an argv array to execa.' },
  { selector: `CallExpression[arguments.0.value=/${SHELL_PROGRAM}/]`, message: 'No shell as the program: run the real program with an argv array.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'renderer/dist/**', 'release/**', 'node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': [
        'error',
        { selector: "Property[key.name='shell'][value.value=true]", message: 'No shell: pass an argv array.' },
      ],
    },
  },
  {
    // T24: no shell, ever, in the app, CLI, worker and engine (tests may hold hostile strings;
    // e2e's fixture scripts are shell by design). The `shell: true` rule above stays everywhere.
    files: ['electron/**/*.ts'],
    ignores: ['electron/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...NO_SHELL],
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [...nodeBuiltinsBanned, noElectron, { name: 'react', message: 'shared/ is UI-free.' }],
        [{ group: ['**/electron/**', '**/renderer/**', '**/e2e/**'], message: 'shared/ imports only shared/ and zod.' }],
      ),
    },
  },
  {
    files: ['electron/engine/**/*.ts', 'electron/cli/**/*.ts', 'electron/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [noElectron, { name: 'child_process', message: 'Use execa with an argv array.' }, { name: 'node:child_process', message: 'Use execa with an argv array.' }],
        [{ group: ['**/electron/main/**', '**/main/**', '**/renderer/**', '**/e2e/**'], message: 'The engine is plain Node and knows no UI.' }],
      ),
    },
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [{ name: 'child_process', message: 'Use execa with an argv array.' }, { name: 'node:child_process', message: 'Use execa with an argv array.' }],
        [{ group: ['**/renderer/**', '**/preload/**', '**/worker/**', '**/e2e/**'], message: 'main talks to these only through IPC or stdio.' }],
      ),
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(nodeBuiltinsBanned, [
        { group: ['**/engine/**', '**/main/**', '**/renderer/**'], message: 'The preload only bridges the contract.' },
        { group: ['**/shared/contract/api', '**/shared/contract/isoReport'], message: 'Keep zod out of the preload: use apiMethods.' },
      ]),
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(
        [...nodeBuiltinsBanned, noElectron],
        [{ group: ['**/electron/**', '**/e2e/**'], message: 'The page reaches main only through window.stickwright (renderer/lib/api.ts).' }],
      ),
    },
  },
  {
    files: ['scripts/**/*.mjs', 'e2e/**/*.ts', '*.config.{js,ts}', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
);
