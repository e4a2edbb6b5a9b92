// GRUB for BIOS installed by the engine itself (electron/engine/boot: grub-mkimage for core.img,
// our own grub-bios-setup for the MBR and the gap) boots under SeaBIOS from sticks whose live
// partition is ext4, FAT32 or F2FS, made without mounting anything and without loop devices:
// each filesystem is made in a file of the partition's size and copied in at 1 MiB.
//
// The stick's grub.cfg only prints a marker on the serial line and halts, so a boot takes a few
// seconds. Also: USB as well as virtio, Reed-Solomon repairing a damaged core.img, and what a
// wrong UUID looks like.
import { describe, beforeAll, afterAll, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { activeBoots, bootImage, BootError, type Medium } from './qemu/boot';
import { buildGrubCoreImage } from '../electron/engine/boot/grubCoreImage';
import { installGrubBios, type GrubBiosInstallation } from '../electron/engine/boot/grubBios';
import { openFileDiskSink } from '../electron/engine/boot/diskSink';
import type { GrubFsModule } from '../electron/engine/boot/grubCoreModules';

const MIB = 1024 * 1024;
const STICK_BYTES = 300 * MIB;
const FIRST_LBA = 2048; // partition 1 at 1 MiB
const PART_BYTES = STICK_BYTES - FIRST_LBA * 512;
const CONFIG_PATH = '/boot/grub2/grub.cfg';
const BOOT_TIMEOUT_MS = 60_000;
const TOOL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', MTOOLS_SKIP_CHECK: '1' };

type Fs = 'ext4' | 'vfat' | 'f2fs';

interface FsCase {
  fs: Fs;
  grubFs: GrubFsModule;
  mbrType: string;
  /** As given to mkfs; GRUB compares UUIDs case-insensitively (search.c). */
  uuid: string;
}

const CASES: FsCase[] = [
  { fs: 'ext4', grubFs: 'ext2', mbrType: '83', uuid: 'c0ffee00-e4e4-4a4a-8b8b-00000000e4e4' },
  { fs: 'vfat', grubFs: 'fat', mbrType: 'c', uuid: '5717-C0DE' },
  { fs: 'f2fs', grubFs: 'f2fs', mbrType: '83', uuid: 'c0ffee00-f2f2-4a4a-8b8b-00000000f2f2' },
];

let scratch: string;
const sticks = new Map<Fs, { image: string; installed: GrubBiosInstallation }>();

async function run(file: string, args: string[], input?: string): Promise<string> {
  const result = await execa(file, args, { env: TOOL_ENV, extendEnv: false, ...(input !== undefined ? { input } : { stdin: 'ignore' as const }) });
  return String(result.stdout);
}

function menu(marker: string): string {
  return ['serial --unit=0 --speed=115200', 'terminal_output serial', `echo ${marker}`, 'halt', ''].join('\n');
}

/** The live filesystem in a file of the partition's size, holding /boot/grub2/grub.cfg. */
async function makeFilesystem(c: FsCase, file: string, marker: string): Promise<void> {
  const tree = path.join(scratch, `${c.fs}-tree`);
  mkdirSync(path.join(tree, 'boot/grub2'), { recursive: true });
  writeFileSync(path.join(tree, CONFIG_PATH), menu(marker));
  writeFileSync(file, '');
  truncateSync(file, PART_BYTES);
  switch (c.fs) {
    case 'ext4':
      await run('mke2fs', ['-q', '-F', '-t', 'ext4', '-U', c.uuid, '-L', 'SW-GRUB', '-d', tree, file]);
      break;
    case 'vfat':
      await run('mkfs.vfat', ['-F', '32', '-i', c.uuid.replace('-', ''), '-n', 'SW-GRUB', file]);
      await run('mmd', ['-i', file, '::/boot', '::/boot/grub2']);
      await run('mcopy', ['-i', file, path.join(tree, CONFIG_PATH), `::${CONFIG_PATH}`]);
      break;
    case 'f2fs':
      await run('mkfs.f2fs', ['-q', '-f', '-U', c.uuid, '-l', 'SW-GRUB', file]);
      await run('sload.f2fs', ['-f', tree, file]);
      break;
  }
  // The UUID GRUB will look for is the one the filesystem really has.
  const blkidUuid = (await run('blkid', ['-p', '-o', 'value', '-s', 'UUID', file])).trim();
  expect(blkidUuid.toLowerCase()).toBe(c.uuid.toLowerCase());
}

/** A 300 MiB sparse stick: MBR with one partition at 1 MiB holding the filesystem. */
async function makeStick(c: FsCase, name: string, marker: string): Promise<string> {
  const image = path.join(scratch, `${name}.img`);
  writeFileSync(image, '');
  truncateSync(image, STICK_BYTES);
  await run('sfdisk', ['--no-reread', '--no-tell-kernel', '-q', image], `label: dos\nlabel-id: 0x5717c0de\n${FIRST_LBA},,${c.mbrType},*\n`);
  const part = path.join(scratch, `${name}.part`);
  await makeFilesystem(c, part, marker);
  await run('dd', [`if=${part}`, `of=${image}`, 'bs=1M', `seek=${(FIRST_LBA * 512) / MIB}`, 'conv=notrunc,sparse', 'status=none']);
  rmSync(part);
  return image;
}

async function readRange(file: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

async function install(
  c: FsCase,
  image: string,
  extra: { rootUuid?: string; reedSolomon?: boolean; serial?: boolean } = {},
): Promise<GrubBiosInstallation> {
  const coreImage = await buildGrubCoreImage({
    fsModule: c.grubFs,
    partitionTable: 'msdos',
    rootUuid: extra.rootUuid ?? c.uuid,
    configPath: CONFIG_PATH,
    firstPartitionLba: FIRST_LBA,
    ...(extra.serial ? { serial: {} } : {}),
  });
  const sink = await openFileDiskSink(image);
  try {
    return await installGrubBios(sink, { coreImage, firstPartitionLba: FIRST_LBA, reedSolomon: extra.reedSolomon ?? true });
  } finally {
    await sink.flush();
    await sink.close();
  }
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-grub-bios-'));
  await Promise.all(
    CASES.map(async (c) => {
      const image = await makeStick(c, c.fs, `SW-GRUB-OK-${c.fs}`);
      const before = await readRange(image, 0, 2 * MIB);
      const tableBefore = await run('sfdisk', ['-d', image]);
      const started = Date.now();
      const installed = await install(c, image);
      console.info(
        `grub-bios ${c.fs}: core.img ${installed.coreSectors} sectors, ${installed.embedSectors} with Reed-Solomon, installed in ${Date.now() - started} ms`,
      );
      const after = await readRange(image, 0, 2 * MIB);
      // Disk signature and partition table kept; the partition not touched.
      expect(after.subarray(440, 512).equals(before.subarray(440, 512))).toBe(true);
      expect(after.subarray(MIB).equals(before.subarray(MIB))).toBe(true);
      expect(await run('sfdisk', ['-d', image])).toBe(tableBefore);
      sticks.set(c.fs, { image, installed });
    }),
  );
});

afterAll(() => {
  expect(activeBoots()).toBe(0);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function bootGrub(image: string, medium: Medium, name: string, timeoutMs = BOOT_TIMEOUT_MS) {
  return bootImage({ image, firmware: 'bios', medium, memoryMiB: 256, timeoutMs, requireDone: false, readOnly: true, name });
}

describe.concurrent('GRUB i386-pc installed without grub-install boots under SeaBIOS', () => {
  for (const c of CASES) {
    for (const medium of ['virtio', 'usb'] as const) {
      it(`from ${c.fs} as a ${medium} disk`, async () => {
        const stick = sticks.get(c.fs);
        if (!stick) throw new Error(`no ${c.fs} stick`);
        const { log, timings, logPath, exitCode } = await bootGrub(stick.image, medium, `grub-bios-${c.fs}`);
        console.info(`grub-bios ${c.fs}/${medium}: marker, halt and exit after ${timings.totalMs} ms (log ${logPath})`);
        const why = `serial log: ${logPath}`;
        expect(log, why).toContain(`SW-GRUB-OK-${c.fs}`);
        expect(log, why).not.toMatch(/error:/);
        // GRUB's `halt` powered the machine off (ACPI), QEMU exited by itself.
        expect(exitCode, why).toBe(0);
      });
    }
  }

  // Zero 8 sectors in the middle of the compressed kernel (well past diskboot, the decompressor
  // and the RS decoder, which the code does not cover), as software scribbling in the gap would.
  async function damageCore(image: string, coreSectors: number): Promise<void> {
    const first = 1 + Math.floor(coreSectors / 2);
    const handle = await open(image, 'r+');
    try {
      await handle.write(Buffer.alloc(8 * 512), 0, 8 * 512, first * 512);
    } finally {
      await handle.close();
    }
  }

  it('repairs a damaged core.img from its Reed-Solomon code (ext4, virtio)', async () => {
    const stick = sticks.get('ext4');
    if (!stick) throw new Error('no ext4 stick');
    const image = path.join(scratch, 'ext4-damaged.img');
    await run('cp', ['--sparse=always', stick.image, image]);
    await damageCore(image, stick.installed.coreSectors);
    const { log, logPath } = await bootGrub(image, 'virtio', 'grub-bios-ext4-damaged');
    expect(log, `serial log: ${logPath}`).toContain('SW-GRUB-OK-ext4');
  });

  it('does not survive the same damage without Reed-Solomon (so the test above means something)', async () => {
    const c = CASES[0] as FsCase;
    const image = await makeStick(c, 'ext4-no-rs', 'SW-GRUB-OK-ext4');
    const installed = await install(c, image, { reedSolomon: false });
    expect(installed.redundancyBytes).toBe(0);
    await damageCore(image, installed.coreSectors);
    let log = '';
    try {
      log = (await bootGrub(image, 'virtio', 'grub-bios-ext4-no-rs', 15_000)).log;
    } catch (error) {
      if (!(error instanceof BootError)) throw error;
      log = readFileSync(error.logPath, 'utf8');
    }
    expect(log).not.toContain('SW-GRUB-OK-ext4');
  });

  it('says which UUID it could not find when the live partition is not there', async () => {
    const c = CASES[2] as FsCase;
    const image = await makeStick(c, 'f2fs-wrong-uuid', 'SW-GRUB-OK-f2fs');
    await install(c, image, { rootUuid: 'deadbeef-0000-4000-8000-000000000000', serial: true });
    // GRUB ends at its grub> prompt and waits: the hard timeout ends the run.
    let log = '';
    try {
      log = (await bootGrub(image, 'virtio', 'grub-bios-wrong-uuid', 15_000)).log;
    } catch (error) {
      if (!(error instanceof BootError) || error.reason !== 'timeout') throw error;
      log = readFileSync(error.logPath, 'utf8');
    }
    expect(log).toContain('error: no such device: deadbeef-0000-4000-8000-000000000000.');
    expect(log).not.toContain('SW-GRUB-OK');
  });
});
