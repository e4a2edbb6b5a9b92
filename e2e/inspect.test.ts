// inspect against real ISOs made by xorriso (recipes e2e/fixtures/recipes/iso-*.sh), and against
// every kind of bad input a person can hand it.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsoReport } from '../shared/contract/isoReport';
import { StickwrightError } from '../shared/errors';
import { ErofsImage } from '../electron/engine/fs/erofs/erofsImage';
import { FilesystemError } from '../electron/engine/fs/filesystemError';
import { SquashfsImage } from '../electron/engine/fs/squashfs/squashfsImage';
import { inspectIso } from '../electron/engine/inspect/inspectIso';
import { BufferByteSource } from '../electron/engine/io/bufferByteSource';
import { CachedByteSource } from '../electron/engine/io/cachedByteSource';
import { openFileByteSource, type FileByteSource } from '../electron/engine/io/fileByteSource';
import { parseDirectoryRecords } from '../electron/engine/iso/directoryRecord';
import { IsoFileSystem, type IsoEntry } from '../electron/engine/iso/isoFileSystem';
import { readSuspEntries } from '../electron/engine/iso/susp';
import { fixtureDir } from './fixtures/fixture';

const opened: FileByteSource[] = [];
afterAll(async () => {
  await Promise.all(opened.map((file) => file.close()));
});

async function openIso(file: string): Promise<IsoFileSystem> {
  const source = await openFileByteSource(file);
  opened.push(source);
  return IsoFileSystem.open(new CachedByteSource(source));
}

async function inspect(file: string): Promise<IsoReport> {
  return IsoReport.parse(await inspectIso(file));
}

async function errorOf(promise: Promise<unknown>): Promise<StickwrightError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StickwrightError) return error;
    throw new Error(`expected a StickwrightError, got ${String(error)}`);
  }
  throw new Error('expected the call to fail');
}

/** The source tree as the ISO should show it: path → kind, size, link target. */
function describeTree(root: string): Map<string, { kind: string; size: number; target: string | null }> {
  const result = new Map<string, { kind: string; size: number; target: string | null }>();
  const visit = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const info = lstatSync(full);
      const rel = `${prefix}/${name}`;
      if (info.isSymbolicLink()) result.set(rel, { kind: 'symlink', size: 0, target: readlinkSync(full) });
      else if (info.isDirectory()) {
        result.set(rel, { kind: 'directory', size: 0, target: null });
        visit(full, rel);
      } else result.set(rel, { kind: 'file', size: info.size, target: null });
    }
  };
  visit(root, '');
  return result;
}

describe('iso-tree: names, links, sizes and contents', () => {
  let dir = '';
  beforeAll(() => {
    dir = fixtureDir('iso-tree');
  });

  it('Rock Ridge + Joliet: every entry of the source tree, with the same names, kinds, sizes and bytes', async () => {
    const expected = describeTree(path.join(dir, 'src'));
    const fs = await openIso(path.join(dir, 'image.iso'));
    expect(fs.hierarchy).toBe('rock-ridge');
    expect(fs.joliet).toBe(true);
    const seen = new Map<string, IsoEntry>();
    for await (const entry of fs.walk()) seen.set(entry.path, entry);
    expect([...seen.keys()].sort()).toEqual([...expected.keys()].sort());
    let compared = 0;
    for (const [rel, want] of expected) {
      const entry = seen.get(rel);
      expect(entry?.kind, rel).toBe(want.kind);
      if (want.kind === 'symlink') expect(entry?.symlinkTarget, rel).toBe(want.target);
      if (want.kind !== 'file' || !entry) continue;
      expect(entry.size, rel).toBe(want.size);
      if (rel.startsWith('/many/') && !rel.endsWith('00.txt')) continue;
      expect((await fs.readFile(entry)).equals(readFileSync(path.join(dir, 'src', rel))), rel).toBe(true);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(25);

    const longName = `long-${'x'.repeat(220)}.txt`;
    expect(seen.get(`/${longName}`)?.size).toBe(10);
    expect(seen.get('/ünïcødé-файл-日本語.txt')?.kind).toBe('file');
    expect(seen.get('/Ελληνικά/αρχείο.txt')?.size).toBe(6);
    expect(seen.get('/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/deep.txt')?.size).toBe(10);
    expect(seen.get('/empty.txt')?.size).toBe(0);
    expect(seen.get('/long-link')?.symlinkTarget).toBe(`${'x/'.repeat(225)}end`);
    // 2000 Rock Ridge records do not fit in one sector.
    expect(seen.get('/many')?.size).toBeGreaterThan(20 * 2048);
    expect(await fs.list('/many')).toHaveLength(2000);
    // Rock Ridge names are case-sensitive; the case-insensitive lookup is a separate choice.
    expect(await fs.lookup('/mixedcase.txt')).toBeNull();
    expect((await fs.lookup('/mixedcase.txt', { caseInsensitive: true }))?.name).toBe('MixedCase.TXT');
  });

  it('the report of the Rock Ridge image', async () => {
    const report = await inspect(path.join(dir, 'image.iso'));
    expect(report.volume).toEqual({
      label: 'TREE_TEST',
      systemId: 'LINUX',
      publisher: 'STICKWRIGHT TESTS',
      applicationId: 'ISO-TREE FIXTURE',
      created: '2023-11-14T22:13:20.000Z',
      blockSize: 2048,
      size: report.fileSize,
    });
    expect(report.extensions).toEqual({ joliet: true, rockRidge: true, elTorito: false });
    expect(report.hybrid).toEqual({ mbr: false, gpt: false, partitions: [] });
    expect(report.files).toEqual({
      count: 2010,
      directories: 15,
      totalBytes: report.files.totalBytes,
      largest: { path: '/docs/pattern.bin', size: 307200 },
      entries: report.files.entries,
    });
    expect(report.files.entries).toHaveLength(2010);
    expect(report.files.entries.reduce((sum, file) => sum + file.size, 0)).toBe(report.files.totalBytes);
    expect(report.files.entries).toContainEqual({ path: '/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/deep.txt', size: 10 });
    expect(report.layout.family).toBe('unknown');
    expect(report.bootConfigs).toEqual([]);
  });

  it('Joliet only: UCS-2 names, long names cut as -joliet-long does', async () => {
    const fs = await openIso(path.join(dir, 'joliet.iso'));
    expect(fs.hierarchy).toBe('joliet');
    const root = (await fs.list('/')).map((entry) => entry.name);
    expect(root).toContain(`joliet-${'y'.repeat(89)}.txt`);
    expect(root).toContain('ünïcødé-файл-日本語.txt');
    expect(root).toContain('Ελληνικά');
    // libisofs cuts the 229-character name to fit -joliet-long (103 characters before the
    // extension is kept): what xorriso -indev -find also shows.
    const truncated = root.find((name) => name.startsWith('long-xxx'));
    expect(truncated).toBe(`long-${'x'.repeat(95)}.txt`);
    const hello = await fs.lookup('/hello.txt');
    expect((await fs.readFile(hello!)).toString()).toBe('hello world\n');
    expect((await fs.lookup('/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/deep.txt'))?.size).toBe(10);
  });

  it('plain ISO 9660: upper-case names, found ignoring case', async () => {
    const report = await inspect(path.join(dir, 'plain.iso'));
    expect(report.extensions).toEqual({ joliet: false, rockRidge: false, elTorito: false });
    const fs = await openIso(path.join(dir, 'plain.iso'));
    expect((await fs.list('/')).map((entry) => entry.name)).toContain('HELLO.TXT');
    const readme = await fs.lookup('/docs/readme.md', { caseInsensitive: true });
    expect(readme?.path).toBe('/DOCS/README.MD');
    expect((await fs.readFile(readme!)).toString()).toContain('read back through the ISO reader');
  });

  it('Rock Ridge deep-directory relocation: RE and CL entries present, the tree as the source', async () => {
    const fs = await openIso(path.join(dir, 'reloc.iso'));
    const signatures = new Set<string>();
    const directories: IsoEntry[] = [fs.root];
    for await (const entry of fs.walk()) if (entry.kind === 'directory') directories.push(entry);
    for (const directory of directories) {
      const extent = directory.extents[0]!;
      for (const record of parseDirectoryRecords(await fs.source.read(extent.start, extent.length))) {
        const entries = await readSuspEntries(record.systemUse, 0, (block, offset, length) => fs.source.read(block * 2048 + offset, length));
        for (const entry of entries) signatures.add(entry.signature);
      }
    }
    expect(signatures).toContain('RE');
    expect(signatures).toContain('CL');
    expect(signatures).toContain('PL');
    const deep = await fs.lookup('/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/deep.txt');
    expect((await fs.readFile(deep!)).toString()).toBe('deep file\n');
    const expected = describeTree(path.join(dir, 'src'));
    const seen: string[] = [];
    for await (const entry of fs.walk()) seen.push(entry.path);
    expect(seen.sort()).toEqual([...expected.keys()].sort());
  });

  it('squashfs root listings for every compressor we read, and a clear refusal for lzo', async () => {
    for (const comp of ['gzip', 'xz', 'lz4', 'zstd']) {
      const image = await SquashfsImage.open(new BufferByteSource(readFileSync(path.join(dir, `squashfs-${comp}.img`))));
      expect(image.superblock.compression).toBe(comp);
      expect((await image.listRoot()).map((entry) => entry.name)).toEqual(['LiveOS', 'etc', 'proc', 'usr']);
      expect((await image.lookup('/etc/hostname'))?.kind).toBe('file');
    }
    const lzo = await SquashfsImage.open(new BufferByteSource(readFileSync(path.join(dir, 'squashfs-lzo.img')))).catch((error: unknown) => error);
    expect(lzo).toBeInstanceOf(FilesystemError);
    expect((lzo as FilesystemError).unsupported).toBe(true);
    const erofs = await ErofsImage.open(new BufferByteSource(readFileSync(path.join(dir, 'erofs.img'))));
    expect((await erofs.listRoot()).map((entry) => entry.name).sort()).toEqual(['LiveOS', 'etc', 'proc', 'usr']);
    expect((await erofs.lookup('/usr/bin'))?.kind).toBe('directory');
  });
});

describe('iso-multiextent: a file over 4 GiB in several extents', () => {
  it('sums the extents, reads the bytes at and across extent ends, and reads little of the image', async () => {
    const dir = fixtureDir('iso-multiextent');
    const iso = path.join(dir, 'image.iso');
    const started = performance.now();
    const report = await inspect(iso);
    const elapsed = performance.now() - started;
    console.log(`inspect of the ${(report.fileSize / 2 ** 30).toFixed(2)} GiB ISO: ${report.stats.bytesRead} bytes read, ${elapsed.toFixed(1)} ms (report says ${report.stats.elapsedMs} ms)`);
    expect(report.fileSize).toBeGreaterThan(4 * 2 ** 30);
    expect(report.stats.bytesRead).toBeLessThan(4 * 2 ** 20);
    expect(report.files.largest).toEqual({ path: '/big/huge.bin', size: 4 * 2 ** 30 + 3 * 2 ** 20 });

    const fs = await openIso(iso);
    const huge = await fs.lookup('/big/huge.bin');
    expect(huge?.extents.length).toBeGreaterThanOrEqual(2);
    expect(huge?.size).toBe(4 * 2 ** 30 + 3 * 2 ** 20);
    const file = fs.openFile(huge!);
    const markers = JSON.parse(readFileSync(path.join(dir, 'markers.json'), 'utf8')) as { offset: number; text: string }[];
    for (const marker of markers) {
      expect((await file.read(marker.offset, marker.text.length)).toString('latin1')).toBe(marker.text);
    }
    // The last bytes through the extent map equal the last bytes of the file's last extent in the image.
    const last = huge!.extents[huge!.extents.length - 1]!;
    const handle = await open(iso, 'r');
    const direct = Buffer.alloc(15);
    await handle.read(direct, 0, 15, last.start + last.length - 15);
    await handle.close();
    expect(direct.toString('latin1')).toBe('THE-END-MARKER!');
    expect((await fs.lookup('/empty'))?.size).toBe(0);
    expect((await fs.readFile((await fs.lookup('/big/small.txt'))!)).toString()).toBe('small\n');
  });
});

describe('live layouts', () => {
  it('iso-debian: debian-live, isolinux and GRUB menus, El Torito BIOS+EFI, EFI image with long names, appended ESP', async () => {
    const report = await inspect(path.join(fixtureDir('iso-debian'), 'image.iso'));
    expect(report.layout).toMatchObject({
      family: 'debian-live',
      liveDir: 'live',
      rootImage: { path: '/live/filesystem.squashfs', format: 'squashfs', compression: 'gzip', contents: 'flat', topLevel: ['etc', 'proc', 'usr', 'var'] },
      kernel: { path: '/live/vmlinuz', size: 65536 },
      initrd: { path: '/live/initrd.img', size: 32768 },
      persistence: ['debian-persistence'],
    });
    expect(report.elTorito.map((entry) => [entry.platform, entry.emulation, entry.path, entry.size])).toEqual([
      ['bios', 'none', '/isolinux/isolinux.bin', 4096],
      ['efi', 'none', '/boot/grub/efi.img', 1474560],
    ]);
    expect(report.hybrid.mbr).toBe(true);
    expect(report.hybrid.gpt).toBe(true);
    expect(report.hybrid.partitions.find((part) => part.scheme === 'gpt' && part.index === 2)).toMatchObject({
      typeName: 'EFI System',
      size: 8192 * 1024,
    });
    const byPath = new Map(report.bootConfigs.map((config) => [config.path, config]));
    const isolinux = byPath.get('/isolinux/isolinux.cfg');
    expect(isolinux?.kind).toBe('isolinux');
    expect(isolinux?.entries.map((entry) => [entry.title, entry.kernel, entry.initrd, entry.cmdline, entry.isDefault])).toEqual([
      ['Live system (amd64)', '/live/vmlinuz', ['/live/initrd.img'], 'boot=live components quiet splash', true],
      ['Live system (amd64 fail-safe mode)', '/live/vmlinuz', ['/live/initrd.img'], 'boot=live components memtest noapic noapm nodma nomce nolapic nosmp vga=788', false],
      ['Hardware Detection Tool (HDT)', '/isolinux/hdt.c32', [], '', false],
    ]);
    const grub = byPath.get('/boot/grub/grub.cfg');
    expect(grub?.firmware).toBe('both');
    expect(grub?.entries.map((entry) => [entry.title, entry.cmdline, entry.isDefault])).toEqual([
      ['Live system (amd64)', 'boot=live components quiet splash', false],
      ['Live system (amd64 fail-safe mode)', 'boot=live components memtest noapic', true],
      ['Utilities... > Memory "test" (memtest86+)', '', false],
      ['From theme.cfg', 'boot=live toram', false],
    ]);
    const efi = byPath.get('/boot/grub/efi.img::/boot/grub/grub.cfg');
    expect(efi?.kind).toBe('efi-image');
    expect(efi?.files.map((file) => file.path)).toEqual([
      '/EFI/boot/bootx64.efi',
      '/EFI/boot/grubx64.efi',
      '/EFI/boot/A Long File Name For LFN Testing.txt',
      '/boot/grub/grub.cfg',
    ]);
    expect(efi?.entries).toEqual(grub?.entries);
    const esp = byPath.get('[GPT partition 2]::/EFI/BOOT/grub.cfg');
    expect(esp?.entries).toEqual([{ title: 'ESP entry', kernel: '/live/vmlinuz', initrd: ['/live/initrd.img'], cmdline: 'boot=live from-esp', isDefault: true }]);
  });

  it('iso-casper: ubuntu-casper from the files alone, EFI image only as an appended MBR partition', async () => {
    const report = await inspect(path.join(fixtureDir('iso-casper'), 'image.iso'));
    expect(report.volume.label).toBe('Ubuntu 22.04 test');
    expect(report.layout).toMatchObject({
      family: 'ubuntu-casper',
      liveDir: 'casper',
      rootImage: { format: 'squashfs', compression: 'zstd', contents: 'flat' },
      kernel: { path: '/casper/vmlinuz', size: 40960 },
      initrd: { path: '/casper/initrd', size: 20480 },
      persistence: ['casper-rw'],
    });
    expect(report.hybrid).toMatchObject({ mbr: true, gpt: false });
    expect(report.hybrid.partitions.map((part) => part.type)).toEqual(['0xcd', '0xef']);
    const efiEntry = report.elTorito.find((entry) => entry.platform === 'efi');
    expect(efiEntry).toMatchObject({ path: null, size: 2 * 2 ** 20 });
    expect(report.elTorito.find((entry) => entry.platform === 'bios')?.path).toBe('/boot/grub/i386-pc/eltorito.img');
    const efi = report.bootConfigs.find((config) => config.kind === 'efi-image');
    expect(efi).toMatchObject({ path: '[MBR partition 2]', files: [{ path: '/EFI/boot/bootx64.efi', size: 15 }, { path: '/EFI/boot/grubx64.efi', size: 15 }] });
    const loopback = report.bootConfigs.find((config) => config.path === '/boot/grub/loopback.cfg');
    expect(loopback?.entries[0]?.cmdline).toBe('iso-scan/filename=${iso_path} quiet splash ---');
  });

  it('iso-archiso: arch-archiso with a flat EROFS root, whichsys → archiso_sys.cfg, GRUB default by --id', async () => {
    const report = await inspect(path.join(fixtureDir('iso-archiso'), 'image.iso'));
    expect(report.layout).toMatchObject({
      family: 'arch-archiso',
      liveDir: 'arch',
      rootImage: { path: '/arch/x86_64/airootfs.erofs', format: 'erofs', compression: null, contents: 'flat' },
      kernel: { path: '/arch/boot/x86_64/vmlinuz-linux', size: 50000 },
      initrd: { path: '/arch/boot/x86_64/initramfs-linux.img', size: 30000 },
      persistence: ['archiso-cow'],
    });
    const syslinux = report.bootConfigs.find((config) => config.path === '/boot/syslinux/syslinux.cfg');
    expect(syslinux?.entries.find((entry) => entry.isDefault)).toEqual({
      title: 'Arch Linux install medium (x86_64, BIOS)',
      kernel: '/arch/boot/x86_64/vmlinuz-linux',
      initrd: ['/arch/boot/intel-ucode.img', '/arch/boot/x86_64/initramfs-linux.img'],
      cmdline: 'archisobasedir=arch archisosearchuuid=2024-01-01-00-00-00-00',
      isDefault: true,
    });
    const grub = report.bootConfigs.find((config) => config.path === '/boot/grub/grub.cfg');
    expect(grub?.entries.find((entry) => entry.isDefault)?.title).toBe('Arch Linux install medium (x86_64, UEFI)');
    expect(report.elTorito.map((entry) => entry.path)).toEqual(['/boot/syslinux/isolinux.bin', null]);
  });

  it('iso-rawonly: a hybrid image without a Linux live layout is raw-only', async () => {
    const report = await inspect(path.join(fixtureDir('iso-rawonly'), 'image.iso'));
    expect(report.layout).toMatchObject({ family: 'raw-only', liveDir: null, rootImage: null, kernel: null, persistence: [] });
    expect(report.layout.notes.join(' ')).toMatch(/byte for byte/u);
    expect(report.hybrid.partitions.map((part) => [part.type, part.typeName])).toEqual([
      ['0x83', 'Linux'],
      ['0xef', 'EFI System'],
      ['0xa5', 'FreeBSD'],
    ]);
    expect(report.elTorito.map((entry) => [entry.platform, entry.path])).toEqual([
      ['bios', '/boot/cdboot'],
      ['efi', '/boot/efi.img'],
    ]);
  });
});

describe('bad input', () => {
  let tmp = '';
  let plain = '';
  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'sw-inspect-'));
    chmodSync(tmp, 0o755);
    plain = path.join(fixtureDir('iso-tree'), 'plain.iso');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a missing path, a directory, an empty file, a text file, random bytes', async () => {
    expect((await errorOf(inspectIso(path.join(tmp, 'nope.iso')))).code).toBe('SOURCE_NOT_FOUND');
    expect((await errorOf(inspectIso(path.join(tmp, 'nope', 'deeper.iso')))).code).toBe('SOURCE_NOT_FOUND');
    expect((await errorOf(inspectIso(tmp))).code).toBe('SOURCE_IS_DIRECTORY');
    writeFileSync(path.join(tmp, 'empty.iso'), '');
    expect((await errorOf(inspectIso(path.join(tmp, 'empty.iso')))).code).toBe('SOURCE_NOT_ISO9660');
    writeFileSync(path.join(tmp, 'notes.txt'), 'this is not an image\n'.repeat(5000));
    expect((await errorOf(inspectIso(path.join(tmp, 'notes.txt')))).code).toBe('SOURCE_NOT_ISO9660');
    const random = Buffer.alloc(1 << 20);
    for (let i = 0; i < random.length; i += 1) random[i] = (i * 2654435761) >>> 24;
    writeFileSync(path.join(tmp, 'random.bin'), random);
    expect((await errorOf(inspectIso(path.join(tmp, 'random.bin')))).code).toBe('SOURCE_NOT_ISO9660');
  });

  it('an image truncated in the middle, and one truncated inside its directory area', async () => {
    const half = path.join(tmp, 'half.iso');
    copyFileSync(plain, half);
    const size = lstatSync(plain).size;
    truncateSync(half, Math.floor(size / 2));
    const error = await errorOf(inspectIso(half));
    expect(error.code).toBe('SOURCE_TRUNCATED');
    expect(error.data).toMatchObject({ fileSize: Math.floor(size / 2), expectedSize: size });

    const fs = await openIso(plain);
    const many = await fs.lookup('/MANY');
    const cut = path.join(tmp, 'cut-in-directory.iso');
    copyFileSync(plain, cut);
    truncateSync(cut, many!.extents[0]!.start + 1000);
    expect((await errorOf(inspectIso(cut))).code).toBe('SOURCE_TRUNCATED');
  });

  it('a corrupted directory record', async () => {
    const fs = await openIso(plain);
    const docs = await fs.lookup('/DOCS');
    const damaged = path.join(tmp, 'damaged.iso');
    copyFileSync(plain, damaged);
    const handle = await open(damaged, 'r+');
    // Records of /DOCS: ".", "..", then the first file; give that one a LEN_DR shorter than any record.
    await handle.write(Buffer.from([10]), 0, 1, docs!.extents[0]!.start + 68);
    await handle.close();
    const error = await errorOf(inspectIso(damaged));
    expect(error.code).toBe('SOURCE_CORRUPT');
  });

  it('a FIFO is refused without opening it', async () => {
    const fifo = path.join(tmp, 'pipe.iso');
    execFileSync('mkfifo', [fifo]);
    const error = await errorOf(inspectIso(fifo));
    expect(error.code).toBe('SOURCE_NOT_A_FILE');
    expect(error.data).toMatchObject({ kind: 'FIFO' });
  });

  it('an unreadable file (EACCES, checked as an unprivileged user)', async (context) => {
    const locked = path.join(tmp, 'locked.iso');
    copyFileSync(plain, locked);
    chmodSync(locked, 0o000);
    if (process.getuid?.() !== 0) {
      // Not root: chmod already stops our own reads.
      expect((await errorOf(inspectIso(locked))).code).toBe('SOURCE_PERMISSION_DENIED');
      return;
    }
    let setpriv = '';
    try {
      setpriv = execFileSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).trim();
    } catch {
      context.skip('setpriv is not installed, so the EACCES case cannot be run as another user here');
    }
    const runner = await bundleForChild(tmp);
    const output = execFileSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, runner, locked], { encoding: 'utf8' });
    expect(JSON.parse(output)).toMatchObject({ code: 'SOURCE_PERMISSION_DENIED' });
  });
});

/**
 * A self-contained bundle of inspectIso for a child process under another user (the EACCES case):
 * it prints the error payload (or the family) as JSON.
 */
async function bundleForChild(outDir: string): Promise<string> {
  const engine = fileURLToPath(new URL('../electron/engine/inspect/inspectIso.ts', import.meta.url));
  const errors = fileURLToPath(new URL('../shared/errors.ts', import.meta.url));
  const entry = path.join(outDir, 'inspect-child.ts');
  writeFileSync(
    entry,
    `import { inspectIso } from ${JSON.stringify(engine)};
import { toErrorPayload } from ${JSON.stringify(errors)};
try {
  const report = await inspectIso(process.argv[2] ?? '');
  process.stdout.write(JSON.stringify({ ok: true, family: report.layout.family }));
} catch (error) {
  process.stdout.write(JSON.stringify(toErrorPayload(error)));
}
`,
  );
  const outfile = path.join(outDir, 'inspect-child.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return outfile;
}
