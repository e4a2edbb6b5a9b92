// `stickwright usage` on sticks written by `stickwright write`: the built CLI, real filesystems
// made by mke2fs / our FAT writer / mkfs.f2fs + sload.f2fs, cross-checked against the tools of
// each filesystem (dumpe2fs, mtools, fsck.f2fs), dm-snapshot stores written into the stick's
// overlay file with figures worked out independently, a jbd2 journal replayed in memory against
// e2fsck's replay, the 4 GiB benchmark, and a QEMU guest that overfills a small overlay.
import { describe, beforeAll, afterAll, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageReport } from '../shared/usage/usageReport';
import { FatVolume } from '../electron/engine/fs/fat/fatVolume';
import { openFileByteSource } from '../electron/engine/io/fileByteSource';
import { fatFileExtents } from '../electron/engine/usage/fatExtents';
import { readStickUsage } from '../electron/engine/usage/readStickUsage';
import { openStickFilesystem, type StickFilesystem } from '../electron/engine/usage/stickFilesystem';
import { cowLayout, expectedStatus, type CowLayoutOptions } from '../electron/engine/usage/testing/syntheticCow';
import { putCowOnExt4, writeCowFile } from './cowOnStick';
import { fixtureFile } from './fixtures/fixture';
import { bootImage } from './qemu/boot';
import { readPartitions } from './stickChecks';

const CLI = path.resolve('dist/cli.js');
const MiB = 1024 * 1024;
let scratch: string;
let iso: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-usage-'));
  iso = fixtureFile('liveos', 'image.iso');
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

type Fs = 'ext4' | 'vfat' | 'f2fs';

function run(cmd: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * MiB, ...options });
  return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function write(stick: string, fs: Fs, options: { size?: string; overlay?: string; home?: string } = {}): void {
  const args = ['write', '--iso', iso, '--target', stick, '--size', options.size ?? '1G', '--fs', fs, '--overlay', options.overlay ?? '256M', '--home', options.home ?? '128M', '--yes', '--json'];
  const result = run(process.execPath, [CLI, ...args]);
  const last = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { type?: string };
  if (result.code !== 0 || last.type !== 'result') throw new Error(`stickwright write failed (${result.code}): ${result.stdout.slice(-600)}${result.stderr}`);
}

function usage(stick: string): UsageReport {
  const result = run(process.execPath, [CLI, 'usage', stick, '--json']);
  if (result.code !== 0) throw new Error(`stickwright usage failed (${result.code}): ${result.stdout}${result.stderr}`);
  const parsed = JSON.parse(result.stdout) as { ok: boolean; report: unknown };
  if (!parsed.ok) throw new Error(result.stdout);
  return UsageReport.parse(parsed.report);
}

function livePartition(stick: string) {
  const [live] = readPartitions(stick);
  if (!live) throw new Error('no partition 1');
  return live;
}

/** The overlay file's path on the stick, as the writer names it. */
function overlayPath(report: UsageReport): string {
  const overlay = report.images[0]?.overlay;
  if (!overlay) throw new Error('no overlay in the report');
  return overlay.path;
}

/** e2fsprogs' own view of an ext4 partition inside the image (`image?offset=` needs no loop device). */
function dumpe2fs(stick: string, offset: number): Record<string, string> {
  const result = run('dumpe2fs', ['-h', `${stick}?offset=${offset}`]);
  if (result.code !== 0) throw new Error(result.stderr);
  return Object.fromEntries(result.stdout.split('\n').flatMap((line) => {
    const m = /^([^:]+):\s+(.*)$/.exec(line);
    return m ? [[m[1] as string, (m[2] as string).trim()]] : [];
  }));
}

/** Writes the store's chunks straight into the vfat stick's overlay file, where its clusters are. */
async function putCowOnVfat(stick: string, overlay: string, options: CowLayoutOptions): Promise<void> {
  const part = livePartition(stick);
  const source = await openFileByteSource(stick);
  const fd = openSync(stick, 'r+');
  try {
    const volume = await FatVolume.open(source, part.start, part.size);
    const entry = await volume.lookup(overlay);
    if (!entry) throw new Error(`${overlay} not found`);
    const extents = await fatFileExtents(volume, entry);
    for (const w of cowLayout(options)) {
      let logical = 0;
      for (const extent of extents) {
        const from = Math.max(w.offset, logical);
        const to = Math.min(w.offset + w.bytes.length, logical + extent.length);
        if (from < to) writeSync(fd, w.bytes, from - w.offset, to - from, part.start + extent.start + (from - logical));
        logical += extent.length;
      }
    }
  } finally {
    closeSync(fd);
    await source.close();
  }
}

/** A tree with what the readers must get right: inline-sized, multi-node, sparse files; big and nested directories. */
function makeTree(root: string): void {
  mkdirSync(path.join(root, 'many'), { recursive: true });
  mkdirSync(path.join(root, 'a/b/c'), { recursive: true });
  writeFileSync(path.join(root, 'small.txt'), 'twenty bytes of text');
  writeFileSync(path.join(root, 'mid.bin'), randomBytes(100 * 1024 + 17));
  writeFileSync(path.join(root, 'big.bin'), randomBytes(16 * MiB + 5));
  const sparse = openSync(path.join(root, 'sparse.bin'), 'w');
  ftruncateSync(sparse, 8 * MiB);
  writeSync(sparse, randomBytes(5000), 0, 5000, 0);
  writeSync(sparse, randomBytes(70_000), 0, 70_000, 6 * MiB + 123);
  // Data at the very end too: mke2fs -d with inline_data (1.47.0) drops a trailing hole from the size.
  writeSync(sparse, randomBytes(100), 0, 100, 8 * MiB - 100);
  closeSync(sparse);
  for (let i = 0; i < 500; i += 1) writeFileSync(path.join(root, 'many', `a-rather-long-file-name-to-fill-directory-blocks-${i}.txt`), `file ${i}\n`);
  writeFileSync(path.join(root, 'a/b/c/deep.txt'), 'deep');
}

/** Every file of `root` read back through `fs`, byte for byte, and every directory listed alike. */
async function expectSameTree(fs: StickFilesystem, root: string, expect: (value: unknown, message?: string) => { toEqual(v: unknown): void; toBe(v: unknown): void }): Promise<void> {
  const walk = async (rel: string): Promise<void> => {
    const host = readdirSync(path.join(root, rel)).sort();
    const listed = ((await fs.list(`/${rel}`)) ?? []).map((e) => e.name).filter((n) => n !== 'lost+found').sort();
    expect(listed, `/${rel}`).toEqual(host);
    for (const name of host) {
      const hostPath = path.join(root, rel, name);
      const stickPath = `/${rel ? `${rel}/` : ''}${name}`;
      if (statSync(hostPath).isDirectory()) {
        await walk(rel ? `${rel}/${name}` : name);
        continue;
      }
      const file = await fs.openFile(stickPath);
      const bytes = await file.read(0, file.size);
      expect(bytes.equals(readFileSync(hostPath)), stickPath).toBe(true);
    }
  };
  await walk('');
}

describe.concurrent('the offline readers read what the filesystem tools wrote', () => {
  const ext4Variants: Array<[string, string[]]> = [
    ['ext4 defaults (4 KiB, 64bit, metadata_csum)', ['-t', 'ext4']],
    ['ext4, 1 KiB blocks, 32-bit descriptors, 128-byte inodes', ['-t', 'ext4', '-b', '1024', '-O', '^64bit', '-I', '128']],
    ['ext4 with inline_data', ['-t', 'ext4', '-O', 'inline_data']],
    ['ext3 (block maps, no extents)', ['-t', 'ext3']],
  ];
  for (const [what, options] of ext4Variants) {
    it(what, async ({ expect }) => {
      const dir = mkdtempSync(path.join(scratch, 'tree-'));
      const tree = path.join(dir, 'tree');
      makeTree(tree);
      const image = path.join(dir, 'fs.img');
      writeFileSync(image, '');
      truncateSync(image, 96 * MiB);
      const mkfs = run('mke2fs', ['-q', '-F', ...options, '-L', 'TREE', '-d', tree, image]);
      expect(mkfs.code, mkfs.stderr).toBe(0);
      const source = await openFileByteSource(image);
      try {
        const fs = await openStickFilesystem('ext4', source, 0, source.size);
        await expectSameTree(fs, tree, expect);
        const sb = dumpe2fs(image, 0);
        expect(fs.label).toBe('TREE');
        expect(fs.uuid).toBe(sb['Filesystem UUID']);
        expect(await fs.freeBytes()).toBe(Number(sb['Free blocks']) * Number(sb['Block size']));
      } finally {
        await source.close();
      }
    });
  }

  for (const [what, features] of [
    ['F2FS defaults', []],
    // (Not flexible_inline_xattr: sload.f2fs 1.15 writes inodes its own fsck rejects with it.)
    ['F2FS with extra_attr and inode_checksum', ['-O', 'extra_attr,inode_checksum']],
  ] as Array<[string, string[]]>) {
    it(what, async ({ expect }) => {
      const dir = mkdtempSync(path.join(scratch, 'tree-'));
      const tree = path.join(dir, 'tree');
      makeTree(tree);
      const image = path.join(dir, 'fs.img');
      writeFileSync(image, '');
      truncateSync(image, 256 * MiB);
      const mkfs = run('mkfs.f2fs', ['-f', '-q', '-l', 'TREE', ...features, image]);
      expect(mkfs.code, mkfs.stderr).toBe(0);
      const sload = run('sload.f2fs', ['-f', tree, '-t', '/', image]);
      expect(sload.code, sload.stdout + sload.stderr).toBe(0);
      const source = await openFileByteSource(image);
      try {
        const fs = await openStickFilesystem('f2fs', source, 0, source.size);
        expect(fs.label).toBe('TREE');
        await expectSameTree(fs, tree, expect);
      } finally {
        await source.close();
      }
    });
  }
});

describe.concurrent('stickwright usage on freshly written sticks', () => {
  for (const fs of ['ext4', 'vfat', 'f2fs'] as const) {
    it(`${fs}: a fresh dm-snapshot overlay reads 16/<total> 16; home and free space agree with the filesystem's own tools`, ({ expect }) => {
      const stick = path.join(scratch, `fresh-${fs}.img`);
      write(stick, fs);
      const report = usage(stick);
      const image = report.images[0];
      expect(report.images.map((i) => i.dir)).toEqual(['LiveOS']);
      expect(image?.bootLabel).toBe('Start Stickwright fixture');
      expect(image?.bootEntries).toHaveLength(2);
      expect(image?.rootImage?.path).toBe('/LiveOS/squashfs.img');
      // The kernel's figure for an empty 4 KiB-chunk snapshot (livecd-spec.md §3.2): 16/<total> 16.
      expect(image?.overlay).toMatchObject({ kind: 'dm-snapshot', state: 'fresh', allocatedSectors: 16, totalSectors: 524280, metadataSectors: 16, chunkSectors: 8, kernelStatus: '16/524280 16', fileBytes: 256 * MiB - 4096 });
      expect(image?.overlay?.path).toMatch(new RegExp(`^/LiveOS/overlay-LIVE-${report.live.uuid}$`));
      expect(image?.home).toMatchObject({ fs: 'ext4', encrypted: false, fileBytes: 128 * MiB, label: 'HOME' });
      const home = image?.home;
      expect(home?.capacityBytes).toBeGreaterThan(90 * MiB);
      expect(home?.capacityBytes).toBeLessThanOrEqual(128 * MiB);
      expect(home?.usedBytes).toBeLessThan(MiB);
      expect((home?.usedBytes ?? 0) + (home?.freeBytes ?? 0)).toBe(home?.capacityBytes);
      expect(report.warnings).toEqual([]);
      expect(report.live).toMatchObject({ partition: 1, fs, label: 'LIVE' });
      const part = livePartition(stick);
      expect(report.live.start).toBe(part.start);
      expect(report.live.capacityBytes).toBeLessThanOrEqual(part.size);
      // The live filesystem's free space as its own tools count it.
      if (fs === 'ext4') {
        const sb = dumpe2fs(stick, part.start);
        const block = Number(sb['Block size']);
        expect(report.live.freeBytes).toBe(Number(sb['Free blocks']) * block);
        expect(report.live.capacityBytes).toBe((Number(sb['Block count']) - Number(sb['Overhead clusters'])) * block);
      } else if (fs === 'vfat') {
        const dir = run('mdir', ['-i', `${stick}@@${part.start}`, '::/'], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
        const free = Number((/([\d ]+) bytes free/.exec(dir.stdout)?.[1] ?? '').replace(/ /g, ''));
        expect(report.live.freeBytes).toBe(free);
      } else {
        const fsck = run('bash', ['-c', `dev=$(losetup --find --show --read-only --offset ${part.start} --sizelimit ${part.size} "$1") && { fsck.f2fs --dry-run "$dev"; losetup -d "$dev"; }`, 'fsck', stick]);
        const valid = Number.parseInt(/valid_block_count matching with CP\s+\[Ok\.\.\] \[0x([0-9a-f]+)\]/.exec(fsck.stdout)?.[1] ?? 'NaN', 16);
        expect(report.live.usedBytes).toBe(valid * 4096);
      }
      expect(report.stats.bytesRead).toBeLessThan(4 * MiB);
      const human = run(process.execPath, [CLI, 'usage', stick]);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('live-rw will report "16/524280 16"');
      expect(human.stdout).toContain('Image:         /LiveOS  "Start Stickwright fixture"');
    });
  }
});

describe.concurrent('dm-snapshot stores written into the stick', () => {
  for (const fs of ['ext4', 'vfat'] as const) {
    it(`${fs}: many exceptions, an invalidated store and a full one give the kernel's figures`, async ({ expect }) => {
      const stick = path.join(scratch, `cow-${fs}.img`);
      write(stick, fs, { home: '0' });
      const overlay = overlayPath(usage(stick));
      // What the writer made: 256 MiB planned 4 KiB smaller (overflowSafeOverlaySize). The ext4 case
      // replaces the file, so it can also try sizes the writer never makes; vfat rewrites it in place.
      const fileSize = 256 * MiB - 4096;
      expect(usage(stick).images[0]?.overlay).toMatchObject({ kind: 'dm-snapshot', fileBytes: fileSize });
      const cases: Array<{ options: CowLayoutOptions; state: string }> = [
        { options: { chunkSectors: 8, exceptions: 50_000, fileSize }, state: 'in-use' },
        { options: { chunkSectors: 8, exceptions: 256 * 40, fileSize }, state: 'in-use' }, // the last area exactly full
        { options: { chunkSectors: 16, exceptions: 7_777, fileSize }, state: 'in-use' },
        { options: { chunkSectors: 8, exceptions: 1_234, fileSize, valid: 0 }, state: 'invalid' },
        fs === 'ext4'
          ? // 256 MiB = 2^16 chunks, and 2^16 − 1 = 255 × 257: area 254's data ends exactly at the last
            // chunk, so when it fills the kernel must zero area 255 past the end of the device: the
            // write fails and the store is invalidated (it cannot end as Overflow). This is the size
            // the planner avoids.
            { options: { chunkSectors: 8, exceptions: 255 * 256, fileSize: 256 * MiB }, state: 'invalid' }
          : // 65535 chunks: area 254 starts at chunk 65279 and has room for 255 data chunks; with
            // those used the kernel's ENOSPC test fails and it reports Overflow, as planned.
            { options: { chunkSectors: 8, exceptions: 254 * 256 + 255, fileSize }, state: 'overflowed' },
      ];
      for (const { options, state } of cases) {
        const what = `${options.exceptions} exceptions of ${options.chunkSectors} sectors, valid ${options.valid ?? 1}`;
        if (fs === 'ext4') {
          const cow = path.join(scratch, `cow-${fs}.bin`);
          writeCowFile(cow, options);
          putCowOnExt4(stick, overlay, cow);
        } else {
          await putCowOnVfat(stick, overlay, options);
        }
        const got = usage(stick).images[0]?.overlay;
        const want = expectedStatus(options.chunkSectors, options.exceptions, options.fileSize);
        expect(got, what).toMatchObject({ kind: 'dm-snapshot', state, allocatedSectors: want.allocated, totalSectors: want.total, metadataSectors: want.metadata, exceptions: options.exceptions });
        if (options.valid === 0) expect(got?.kind === 'dm-snapshot' && got.kernelStatus).toBe('Invalid');
      }
      if (fs === 'vfat') {
        // mtools agrees on where the file is: the header it reads is the one written last.
        const copy = path.join(scratch, 'overlay-copy.bin');
        const result = run('mcopy', ['-o', '-i', `${stick}@@${livePartition(stick).start}`, `::${overlay}`, copy], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
        expect(result.code, result.stderr).toBe(0);
        expect(readFileSync(copy).subarray(0, 16).toString('hex')).toBe('536e4170010000000100000008000000');
      }
      const report = usage(stick);
      expect(report.warnings.map((w) => [w.subject, w.severity])).toEqual([['overlay', 'critical']]);
    });
  }

  it('ext4: a journal holding uncheckpointed changes is replayed in memory, as e2fsck replays it', ({ expect }) => {
    const stick = path.join(scratch, 'journal-ext4.img');
    write(stick, 'ext4', { home: '0' });
    const overlay = overlayPath(usage(stick));
    const part = livePartition(stick);
    const cow = path.join(scratch, 'journal-cow.bin');
    writeCowFile(cow, { chunkSectors: 8, exceptions: 600, fileSize: 256 * MiB });
    putCowOnExt4(stick, overlay, cow);
    const before = usage(stick).images[0]?.overlay;
    expect(before).toMatchObject({ state: 'in-use', exceptions: 600 });
    // Journal (without checkpointing) a new copy of the store's header block, marked invalid —
    // as the kernel's persistent_drop_snapshot would write it — and of its first metadata area.
    const fsImage = `${stick}?offset=${part.start}`;
    const blocks = run('debugfs', ['-R', `bmap ${overlay} 0`, fsImage]).stdout.trim();
    const headerBlock = Number(blocks);
    expect(Number.isInteger(headerBlock) && headerBlock > 0).toBe(true);
    const header = Buffer.alloc(4096);
    header.write('SnAp', 0, 'latin1');
    header.writeUInt32LE(0, 4);
    header.writeUInt32LE(1, 8);
    header.writeUInt32LE(8, 12);
    const headerFile = path.join(scratch, 'invalid-header.bin');
    writeFileSync(headerFile, header);
    const journal = run('debugfs', ['-w', '-f', '-', fsImage], { input: `jo -c\njw -b ${headerBlock} ${headerFile}\njc\n` });
    expect(journal.code, journal.stderr).toBe(0);
    expect(dumpe2fs(stick, part.start)['Filesystem features']).toMatch(/needs_recovery/);
    // In place the header is still valid; through the journal it is not.
    const replayed = usage(stick);
    expect(replayed.images[0]?.overlay).toMatchObject({ state: 'invalid', kernelStatus: 'Invalid', exceptions: 600 });
    expect(replayed.notes.join(' ')).toMatch(/journal transaction\(s\) were replayed in memory/);
    // e2fsck replays the journal for real (on a loop device of our own: it cannot reopen an
    // `image?offset=` name after recovery); the report must not change, except for the note.
    const fsck = run('bash', ['-c', 'dev=$(losetup --find --show --offset "$2" --sizelimit "$3" "$1") || exit 99; e2fsck -y -E journal_only "$dev"; rc=$?; losetup -d "$dev"; exit $rc', 'fsck', stick, String(part.start), String(part.size)]);
    expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);
    expect(dumpe2fs(stick, part.start)['Filesystem features']).not.toMatch(/needs_recovery/);
    const after = usage(stick);
    expect(after.images[0]?.overlay).toEqual(replayed.images[0]?.overlay);
    expect(after.live).toEqual(replayed.live);
    expect(after.notes.join(' ')).not.toMatch(/journal/);
  });
});

describe('a 4 GiB overlay with many exceptions is measured in well under a second', () => {
  for (const fs of ['ext4', 'vfat'] as const) {
    it(`${fs}: ${fs === 'ext4' ? '4 GiB' : '4095 MiB (the vfat maximum)'}`, async ({ expect }) => {
      const stick = path.join(scratch, `big-${fs}.img`);
      const fileSize = fs === 'ext4' ? 4096 * MiB : 4095 * MiB;
      write(stick, fs, { size: '6G', overlay: fs === 'ext4' ? '4G' : '4095M', home: '0' });
      const overlay = overlayPath(usage(stick));
      // 900 000 changed 4 KiB chunks: 3 515 full metadata areas (≈ 86 % of the store).
      const options = { chunkSectors: 8, exceptions: 900_000, fileSize };
      if (fs === 'ext4') {
        const cow = path.join(scratch, 'big-cow.bin');
        writeCowFile(cow, options);
        putCowOnExt4(stick, overlay, cow);
        rmSync(cow);
      } else {
        await putCowOnVfat(stick, overlay, options);
      }
      const want = expectedStatus(8, 900_000, fileSize);
      // In process (the engine alone), then the CLI as a person runs it (Node start included).
      const report = await readStickUsage(stick);
      expect(report.images[0]?.overlay).toMatchObject({ allocatedSectors: want.allocated, totalSectors: want.total, metadataSectors: want.metadata, state: 'in-use' });
      const started = performance.now();
      const cli = usage(stick);
      const cliMs = performance.now() - started;
      expect(cli.images[0]?.overlay).toEqual(report.images[0]?.overlay);
      console.log(`usage ${fs} ${fileSize / MiB} MiB overlay, ${options.exceptions} exceptions: engine ${report.stats.elapsedMs} ms, ${report.stats.bytesRead} bytes read; CLI process ${Math.round(cliMs)} ms`);
      // One 4 KiB chunk per metadata area (3 516 of them) plus filesystem metadata.
      expect(report.stats.bytesRead).toBeLessThan(24 * MiB);
      expect(report.stats.elapsedMs).toBeLessThan(1000);
      expect(report.warnings.map((w) => w.threshold)).toEqual([80]);
    });
  }
});

describe('errors', () => {
  it('are one line with the code and the exit status, or {ok:false} with --json', ({ expect }) => {
    const missing = run(process.execPath, [CLI, 'usage', path.join(scratch, 'nope.img')]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^stickwright: error STICK_NOT_FOUND: [^\n]+\n$/);
    const blank = path.join(scratch, 'blank.img');
    writeFileSync(blank, Buffer.alloc(8 * MiB));
    const none = run(process.execPath, [CLI, 'usage', blank, '--json']);
    expect(none.code).toBe(4);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: false, error: { code: 'STICK_NO_LIVE_IMAGE' } });
    // The ISO itself is no stick: its partitions hold ISO 9660 and the EFI image, no LiveOS.
    expect(run(process.execPath, [CLI, 'usage', iso]).stderr).toMatch(/STICK_NO_LIVE_IMAGE/);
    expect(run(process.execPath, [CLI, 'usage']).code).toBe(2);
    expect(run(process.execPath, [CLI, 'usage', scratch]).stderr).toMatch(/TARGET_NOT_USABLE/);
  });
});

describe('a guest that overfills a small overlay', () => {
  // The fixture's init writes 4 MiB per boot (sw.write= would change that, but our menus come
  // from the ISO and the harness passes no kernel arguments), so a 16 MiB overlay — the smallest
  // the planner allows — runs out on the fourth boot.
  it('ext4, SeaBIOS: the figures match the kernel every boot; when the kernel says Overflow, usage says overflowed', async ({ expect }) => {
    const stick = path.join(scratch, 'overflow-ext4.img');
    write(stick, 'ext4', { overlay: '16M', home: '0' });
    let overflowed = false;
    for (let boot = 1; boot <= 6 && !overflowed; boot += 1) {
      const { report, logPath } = await bootImage({ image: stick, firmware: 'bios', medium: 'usb', name: `usage-overflow-${boot}` });
      const why = `boot ${boot}, serial log: ${logPath}`;
      expect(report.done, why).toBe(true);
      expect(report.dm?.state, why).toBe('active');
      const offline = usage(stick).images[0]?.overlay;
      if (report.dm?.snapshot) {
        expect(offline, why).toMatchObject({ allocatedSectors: report.dm.snapshot.allocated, totalSectors: report.dm.snapshot.total, metadataSectors: report.dm.snapshot.metadata, state: 'in-use' });
        console.log(`overflow test boot ${boot}: kernel ${report.dm.status}; usage ${offline?.kind === 'dm-snapshot' ? offline.kernelStatus : '?'}`);
      } else {
        expect(report.dm?.snapshotState, why).toBe('Overflow');
        expect(offline, why).toMatchObject({ kind: 'dm-snapshot', state: 'overflowed', percent: 100 });
        const human = run(process.execPath, [CLI, 'usage', stick]);
        expect(human.stdout).toMatch(/CRITICAL: The overlay of \/LiveOS is full/);
        console.log(`overflow test boot ${boot}: kernel "${report.dm?.status}"; usage ${offline?.kind === 'dm-snapshot' ? `${offline.state} ${offline.kernelStatus}` : '?'}`);
        overflowed = true;
      }
    }
    expect(overflowed).toBe(true);
  });
});
