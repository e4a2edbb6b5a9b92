// The packaging configuration and its assets (docs/ARCHITECTURE.md, "Packaging"). The Electron
// binary cannot be downloaded here, so no real package is built; instead: electron-builder's own
// loader and schema accept electron-builder.yml, every file it names exists (or is made by
// `npm run build`), the polkit policy allows exactly the worker wrapper the app launches,
// desktop-file-validate and appstreamcli accept the desktop entry and the AppStream file, the
// icons have the sizes their names say, and electron-builder itself lays out an unpacked Linux
// app (from a stand-in Electron) with the worker and its wrapper where the policy says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGED_WORKER_WRAPPER } from '../electron/main/jobs/launchWorker';

const root = path.resolve(import.meta.dirname, '..');
const at = (...parts: string[]) => path.join(root, ...parts);
const read = (relative: string) => readFileSync(at(relative), 'utf8');

// electron-builder's internals (app-builder-lib, builder-util, @xmldom/xmldom) are reached through
// electron-builder, the devDependency that brings them, so the test uses exactly its versions.
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const appBuilderRequire = createRequire(builderRequire.resolve('app-builder-lib/package.json'));

interface FileSet { from: string; to: string }
interface DesktopEntry { [key: string]: string }
interface TargetOptions {
  target?: string[];
  icon?: string;
  category?: string;
  executableArgs?: string[];
  fpm?: string[];
  depends?: string[];
  mimeTypes?: string[];
  desktop?: { entry?: DesktopEntry };
  extraResources?: FileSet[];
  [key: string]: unknown;
}
interface BuilderConfig {
  appId: string;
  productName: string;
  executableName: string;
  asar: boolean;
  files: { filter: string[] }[];
  extraResources: FileSet[];
  linux: TargetOptions;
  deb: TargetOptions;
  rpm: TargetOptions;
  win: TargetOptions;
  nsis: Record<string, unknown>;
  mac: TargetOptions;
}
// The little of the DOM that @xmldom/xmldom gives and these tests use (no DOM types in Node code).
interface XmlElement {
  readonly tagName: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  getElementsByTagName(tag: string): ArrayLike<XmlElement>;
}
interface XmlDocument {
  readonly documentElement: XmlElement | null;
  getElementsByTagName(tag: string): ArrayLike<XmlElement>;
}
interface PackageJson { name: string; version: string; description: string; license?: string; main: string; scripts: Record<string, string> }

const pkg = JSON.parse(read('package.json')) as PackageJson;
const INSTALL_DIR = '/opt/Stickwright'; // electron-builder's deb/rpm prefix: /opt/<productName>
const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

let config: BuilderConfig;
beforeAll(async () => {
  const { getConfig, validateConfiguration } = appBuilderRequire('./out/util/config/config') as {
    getConfig: (projectDir: string, configPath: string | null, fromOptions: null) => Promise<unknown>;
    validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = appBuilderRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const loaded = await getConfig(root, null, null);
  await validateConfiguration(loaded, new DebugLogger(false)); // throws on anything the schema rejects
  config = loaded as BuilderConfig;
});

/** Runs a validator from a Debian package; a missing tool is a failure that names the package. */
async function runTool(tool: string, debianPackage: string, args: string[]) {
  const result = await execa(tool, args, { reject: false, all: true });
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new Error(`${tool} is missing: install the Debian package ${debianPackage} (it is in scripts/debian-packages.txt; run npm run setup as root)`);
  }
  return { exitCode: result.exitCode, output: String(result.all ?? '') };
}

function parseXml(relative: string): XmlDocument {
  const { DOMParser } = createRequire(appBuilderRequire.resolve('plist'))('@xmldom/xmldom') as {
    DOMParser: new (options: unknown) => { parseFromString(text: string, type: string): XmlDocument };
  };
  const problems: string[] = [];
  const report = (message: string) => problems.push(message);
  const doc = new DOMParser({ errorHandler: { warning: report, error: report, fatalError: report } }).parseFromString(read(relative), 'text/xml');
  expect(problems, `${relative} is not well-formed XML`).toEqual([]);
  return doc;
}

const texts = (doc: XmlDocument | XmlElement, tag: string) => Array.from(doc.getElementsByTagName(tag)).map((e) => (e.textContent ?? '').trim());

function parseDesktopEntry(relative: string): DesktopEntry {
  const entry: DesktopEntry = {};
  let group = '';
  for (const line of read(relative).split('\n')) {
    if (/^\s*(#|$)/.test(line)) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) group = header[1] ?? '';
    else if (group === 'Desktop Entry') {
      const eq = line.indexOf('=');
      entry[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return entry;
}

/** The file or glob a packaged path comes from: in the repository, or made by `npm run build`. */
function expectSourceExists(source: string) {
  const plain = source.replace(/\/\*\*$/, '');
  const built = plain.startsWith('dist/') || plain.startsWith('renderer/dist');
  if (!built) {
    expect(existsSync(at(plain)), `${source} is in the repository`).toBe(true);
    return;
  }
  // Made by scripts/build.mjs (esbuild outfiles) or Vite (renderer/dist).
  const producers = read('scripts/build.mjs') + read('vite.config.ts');
  const named = plain === 'renderer/dist' ? /root: 'renderer'[\s\S]*outDir: 'dist'/.test(producers) : producers.includes(`'${plain}`);
  expect(named, `${source} is produced by npm run build`).toBe(true);
}

describe('electron-builder.yml', () => {
  it('names the app and every target', () => {
    expect(config.appId).toBe('org.stickwright.Stickwright');
    expect(config.productName).toBe('Stickwright');
    expect(config.executableName).toBe('stickwright-app');
    expect(config.asar).toBe(true);
    expect(config.linux.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true, allowElevation: true });
    expect(config.mac).toMatchObject({ identity: null, hardenedRuntime: false }); // unsigned
  });

  it('packs the Electron main bundle that package.json "main" names', () => {
    const filters = config.files.flatMap((set) => set.filter);
    expect(filters).toEqual(['dist/electron/**', 'renderer/dist/**', 'package.json']);
    expect(pkg.main).toBe('dist/electron/main.js');
    expect(read('scripts/build.mjs')).toContain(`outfile: '${pkg.main}'`);
    for (const filter of filters) expectSourceExists(filter);
  });

  it('every file it references exists (or is made by npm run build)', () => {
    const sets = [...config.extraResources, ...(config.linux.extraResources ?? [])];
    for (const set of sets) expectSourceExists(set.from);
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon]) expectSourceExists(String(icon));
    for (const target of [config.deb, config.rpm]) {
      for (const mapping of target.fpm ?? []) expectSourceExists(mapping.split('=')[0] ?? '');
    }
  });

  it('installs the worker and its wrapper where the polkit policy and the wrapper expect them', () => {
    const resources = `${INSTALL_DIR}/resources`;
    const installed = (set: FileSet) => `${resources}/${set.to}`;
    const wrapper = config.linux.extraResources?.find((set) => set.from === 'assets/linux/stickwright-worker');
    expect(wrapper && installed(wrapper)).toBe(PACKAGED_WORKER_WRAPPER);
    const worker = config.extraResources.find((set) => set.from === 'dist/worker.js');
    expect(worker && installed(worker)).toBe(`${resources}/worker/worker.js`);
    // The ESM worker gets a package.json beside it that says so.
    const marker = config.extraResources.find((set) => set.to === 'worker/package.json');
    expect(JSON.parse(read(marker?.from ?? 'missing')).type).toBe('module');
    expect(`${INSTALL_DIR}/${config.executableName}`).toBe('/opt/Stickwright/stickwright-app');
  });

  it('deb and rpm own the polkit policy and the AppStream file', () => {
    for (const target of [config.deb, config.rpm]) {
      expect(target.fpm).toEqual([
        'assets/linux/org.stickwright.worker.policy=/usr/share/polkit-1/actions/org.stickwright.worker.policy',
        `assets/linux/${config.appId}.metainfo.xml=/usr/share/metainfo/${config.appId}.metainfo.xml`,
      ]);
    }
  });

  it("deb and rpm keep electron-builder's default dependencies and add pkexec", () => {
    const FpmTarget = (appBuilderRequire('./out/targets/FpmTarget') as { default: { prototype: { getDefaultDepends(target: string): string[] } } }).default;
    const defaults = (target: string) => FpmTarget.prototype.getDefaultDepends.call({}, target);
    expect(config.deb.depends).toEqual([...defaults('deb'), 'pkexec | policykit-1']);
    expect(config.rpm.depends).toEqual([...defaults('rpm'), 'polkit']);
  }, 30_000); // loading electron-builder's FpmTarget cold takes seconds on a loaded machine

  it('writes the desktop entry that assets/linux/stickwright.desktop shows', () => {
    // electron-builder generates the installed entry from the config; the file in assets is the
    // same entry, validated below and named by the AppStream file.
    const file = parseDesktopEntry('assets/linux/stickwright.desktop');
    const { Exec, Name, Comment, Icon, Categories, MimeType, Type, Terminal, ...rest } = file;
    expect(Name).toBe(config.productName);
    expect(Comment).toBe(pkg.description);
    expect(Icon).toBe(config.executableName); // electron-builder installs the icons under this name
    expect(Exec).toBe(`${config.executableName} %F`);
    expect(config.deb.executableArgs).toEqual(['%F']);
    expect(config.rpm.executableArgs).toEqual(['%F']);
    expect(Categories).toBe(`${config.linux.category};`);
    expect(Categories).toBe('System;Utility;');
    expect(MimeType).toBe(`${(config.linux.mimeTypes ?? []).join(';')};`);
    expect(MimeType).toBe('application/x-cd-image;application/x-iso9660-image;');
    expect([Type, Terminal]).toEqual(['Application', 'false']);
    expect(rest).toEqual(config.linux.desktop?.entry);
    expect(rest.GenericName).toBe('Live USB Writer');
  });

  it('npm run dist builds, then runs electron-builder without publishing', () => {
    expect(pkg.scripts.dist).toBe('node scripts/build.mjs && electron-builder --publish never');
  });

  it.todo('deb/rpm: fpm needs a project homepage (package.json "homepage", or a GitHub "repository") before `npm run dist` can make them');
});

describe('the polkit policy', () => {
  const policy = 'assets/linux/org.stickwright.worker.policy';

  it('is one action that lets pkexec run exactly the worker wrapper, as an administrator', () => {
    const doc = parseXml(policy);
    expect(doc.documentElement?.tagName).toBe('policyconfig');
    const actions = Array.from(doc.getElementsByTagName('action'));
    expect(actions).toHaveLength(1);
    const action = actions[0] as XmlElement;
    expect(action.getAttribute('id')).toBe('org.stickwright.worker');
    const annotations = Array.from(action.getElementsByTagName('annotate')).map((a) => [a.getAttribute('key'), (a.textContent ?? '').trim()]);
    expect(annotations).toEqual([['org.freedesktop.policykit.exec.path', PACKAGED_WORKER_WRAPPER]]);
    expect(texts(action, 'allow_any')).toEqual(['no']);
    expect(texts(action, 'allow_inactive')).toEqual(['no']);
    expect(texts(action, 'allow_active')).toEqual(['auth_admin_keep']);
    expect(texts(action, 'message')).toEqual(['Authentication is required to write a live USB stick']);
  });
});

describe('the worker wrapper', () => {
  const wrapper = 'assets/linux/stickwright-worker';
  const commands = () => read(wrapper).split('\n').filter((line) => !/^\s*(#|$)/.test(line));

  it('runs the bundled worker with the app as Node, forwarding no arguments and no environment', () => {
    expect(read(wrapper).startsWith('#!/bin/sh\n')).toBe(true);
    expect(commands()).toEqual([`ELECTRON_RUN_AS_NODE=1 exec ${INSTALL_DIR}/${config.executableName} ${INSTALL_DIR}/resources/worker/worker.js`]);
    // No "$@", "$1", "$*", "${VAR}" or "$VAR": nothing from the caller reaches the worker.
    expect(commands().join('\n')).not.toContain('$');
  });

  it('is an executable POSIX sh script', async () => {
    // Committed as 100755; the checkout's mode then depends on the umask (0755 under 022).
    const { stdout } = await execa('git', ['ls-files', '--stage', wrapper], { cwd: root });
    expect(stdout.split(/\s/)[0]).toBe('100755');
    expect(statSync(at(wrapper)).mode & 0o557).toBe(0o555);
    expect((await execa('sh', ['-n', at(wrapper)], { reject: false })).exitCode).toBe(0);
  });
});

describe('the desktop entry and the AppStream file', () => {
  it('desktop-file-validate accepts the desktop entry (hints only)', async () => {
    const { exitCode, output } = await runTool('desktop-file-validate', 'desktop-file-utils', [at('assets/linux/stickwright.desktop')]);
    expect(output.split('\n').filter((line) => /: (error|warning): /.test(line))).toEqual([]);
    expect(exitCode).toBe(0);
  });

  it('appstreamcli validate --pedantic accepts the metainfo (no errors or warnings)', async () => {
    const file = at(`assets/linux/${config.appId}.metainfo.xml`);
    const { exitCode, output } = await runTool('appstreamcli', 'appstream', ['validate', '--no-net', '--pedantic', '--no-color', file]);
    expect(output.split('\n').filter((line) => /^[EW]: /.test(line)), output).toEqual([]);
    expect(exitCode, output).toBe(0);
  });

  it('the metainfo names the app, its launcher and this version', () => {
    const doc = parseXml(`assets/linux/${config.appId}.metainfo.xml`);
    expect(doc.documentElement?.getAttribute('type')).toBe('desktop-application');
    expect(texts(doc, 'id')).toEqual([config.appId]);
    expect(texts(doc, 'name')).toEqual([config.productName]);
    expect(texts(doc, 'metadata_license')).toEqual(['CC0-1.0']);
    expect(texts(doc, 'project_license')).toEqual([pkg.license]);
    expect(texts(doc, 'launchable')).toEqual([`${config.executableName}.desktop`]);
    expect(texts(doc, 'binary')).toEqual([config.executableName]);
    expect(doc.getElementsByTagName('content_rating')).toHaveLength(1);
    const releases = Array.from(doc.getElementsByTagName('release')).map((r) => r.getAttribute('version'));
    expect(releases[0]).toBe(pkg.version);
  });

  it('CI installs the validators', () => {
    const packages = read('scripts/debian-packages.txt').split('\n').map((line) => line.trim());
    expect(packages).toContain('desktop-file-utils');
    expect(packages).toContain('appstream');
  });
});

describe('icons', () => {
  function pngSize(file: string) {
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${file} is a PNG`).toBe(true);
    expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colorType: bytes[25] };
  }

  it.each(ICON_SIZES.map((size) => [size, size]))('assets/icons/%ix%i.png is that size, with alpha', (size) => {
    expect(pngSize(at('assets', 'icons', `${size}x${size}.png`))).toEqual({ width: size, height: size, colorType: 6 });
  });

  it('assets/icon.png (Windows and macOS) is 1024 px', () => {
    expect(pngSize(at('assets/icon.png'))).toEqual({ width: 1024, height: 1024, colorType: 6 });
    expect(existsSync(at('assets/icon.svg'))).toBe(true);
  });
});

describe('electron-builder makes the Linux app and the deb and rpm (a stand-in Electron, no fpm)', () => {
  // A throwaway project: this config and the assets, stand-ins for what npm run build makes, and
  // a fake unpacked Electron. electron-builder copies it, packs app.asar, places the resources,
  // then prepares the deb and rpm up to the fpm command line and the generated desktop entry,
  // which effectiveOptionComputed captures (returning true stops it before running fpm, the one
  // part that needs a download).
  let work = '';
  let unpacked = '';
  const fpm = new Map<string, { args: string[]; desktop: string }>();
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'stickwright-pack-'));
    const project = path.join(work, 'project');
    const electronDist = path.join(work, 'electron');
    mkdirSync(path.join(electronDist, 'resources'), { recursive: true });
    writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\n');
    chmodSync(path.join(electronDist, 'electron'), 0o755);
    for (const file of ['chrome-sandbox', 'LICENSE', 'LICENSES.chromium.html']) writeFileSync(path.join(electronDist, file), '');
    cpSync(at('assets'), path.join(project, 'assets'), { recursive: true });
    cpSync(at('electron-builder.yml'), path.join(project, 'electron-builder.yml'));
    const { version: electronVersion } = createRequire(import.meta.url)('electron/package.json') as { version: string };
    const { name, version, description, license, main } = pkg;
    // fpm needs a homepage (see the todo above); a stand-in one here.
    const homepage = 'https://stickwright.invalid/';
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name, version, description, license, main, type: 'module', homepage }));
    for (const [file, text] of [
      ['dist/electron/main.js', '// main\n'],
      ['dist/electron/preload.cjs', '// preload\n'],
      ['dist/worker.js', '#!/usr/bin/env node\n// worker\n'],
      ['renderer/dist/index.html', '<!doctype html>\n'],
    ] as const) {
      mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      writeFileSync(path.join(project, file), text);
    }
    const { build, Platform } = builderRequire('electron-builder') as {
      build: (options: unknown) => Promise<string[]>;
      Platform: { LINUX: { createTarget: (targets: string[]) => unknown } };
    };
    await build({
      projectDir: project,
      targets: Platform.LINUX.createTarget(['deb', 'rpm']),
      config: { electronDist, electronVersion, npmRebuild: false, directories: { output: path.join(work, 'out') } },
      effectiveOptionComputed: (options: unknown) => {
        if (!Array.isArray(options)) return Promise.resolve(false);
        const [args, desktopFile] = options as [string[], string];
        const type = args[args.indexOf('--package') + 1]?.split('.').pop() ?? '?';
        fpm.set(type, { args, desktop: readFileSync(desktopFile, 'utf8') });
        return Promise.resolve(true);
      },
    });
    unpacked = path.join(work, 'out', 'linux-unpacked');
  }, 120_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const installedPath = (absolute: string) => path.join(unpacked, path.relative(INSTALL_DIR, absolute));

  it('the executable, the worker and the wrapper land where the wrapper and the policy name them', () => {
    expect(statSync(installedPath(`${INSTALL_DIR}/stickwright-app`)).isFile()).toBe(true);
    expect(readFileSync(installedPath(`${INSTALL_DIR}/resources/worker/worker.js`), 'utf8')).toContain('// worker');
    expect(JSON.parse(readFileSync(installedPath(`${INSTALL_DIR}/resources/worker/package.json`), 'utf8')).type).toBe('module');
    const wrapper = installedPath(PACKAGED_WORKER_WRAPPER);
    expect(readFileSync(wrapper, 'utf8')).toBe(read('assets/linux/stickwright-worker'));
    expect(statSync(wrapper).mode & 0o777).toBe(statSync(at('assets/linux/stickwright-worker')).mode & 0o777);
    expect(statSync(wrapper).mode & 0o555).toBe(0o555);
  });

  it('app.asar holds package.json, its "main" and the page', () => {
    const asar = appBuilderRequire('@electron/asar') as { listPackage: (archive: string, options: object) => string[] };
    const listed = asar.listPackage(path.join(unpacked, 'resources', 'app.asar'), {}).map((entry) => entry.replace(/\\/g, '/'));
    expect(listed).toEqual(expect.arrayContaining(['/package.json', `/${pkg.main}`, '/dist/electron/preload.cjs', '/renderer/dist/index.html']));
    // Nothing else from dist/: the CLI and the demo are not shipped, the worker is a resource.
    expect(listed.filter((entry) => entry.startsWith('/dist/') && !entry.startsWith('/dist/electron'))).toEqual([]);
  });

  it('deb and rpm: fpm maps the policy, the AppStream file, the icons and the desktop entry', () => {
    expect([...fpm.keys()].sort()).toEqual(['deb', 'rpm']);
    for (const { args } of fpm.values()) {
      expect(args).toEqual(expect.arrayContaining([
        'assets/linux/org.stickwright.worker.policy=/usr/share/polkit-1/actions/org.stickwright.worker.policy',
        `assets/linux/${config.appId}.metainfo.xml=/usr/share/metainfo/${config.appId}.metainfo.xml`,
        `${unpacked}/=${INSTALL_DIR}`,
      ]));
      for (const size of ICON_SIZES) expect(args.some((arg) => arg.endsWith(`=/usr/share/icons/hicolor/${size}x${size}/apps/${config.executableName}.png`))).toBe(true);
      expect(args.some((arg) => arg.endsWith(`=/usr/share/applications/${config.executableName}.desktop`))).toBe(true);
    }
  });

  it('deb and rpm: the generated desktop entry is assets/linux/stickwright.desktop with the full Exec path', async () => {
    const ours = parseDesktopEntry('assets/linux/stickwright.desktop');
    for (const [type, { desktop }] of fpm) {
      const file = path.join(work, `generated-${type}.desktop`);
      writeFileSync(file, desktop);
      const generated: DesktopEntry = {};
      for (const line of desktop.split('\n').slice(1)) if (line.includes('=')) generated[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
      expect(generated).toEqual({ ...ours, Exec: `${INSTALL_DIR}/${ours.Exec}` });
      const { exitCode, output } = await runTool('desktop-file-validate', 'desktop-file-utils', [file]);
      expect(output.split('\n').filter((line) => /: (error|warning): /.test(line))).toEqual([]);
      expect(exitCode).toBe(0);
    }
  });
});
