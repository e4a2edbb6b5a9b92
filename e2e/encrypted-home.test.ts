// --encrypt-home: a LUKS2 home.img made without device-mapper (electron/engine/persist/
// encryptedHome.ts). Checked twice: on the host, the passphrase opens the header and the payload,
// decrypted the way dm-crypt reads it, is an ext4 that e2fsck accepts; and in QEMU the fixture's
// live system unlocks it with cryptsetup (the real dm-crypt) and mounts it on /home, twice.
// The KDF is PBKDF2 with few iterations (STICKWRIGHT_LUKS_FAST_KDF): argon2id under TCG
// emulation would take minutes; the KDF does not change how the data is encrypted.
import { describe, it, beforeAll, afterAll, expect } from 'vitest';
import { createDecipheriv } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { bootImage } from './qemu/boot';
import { readPartitions, withPartition } from './stickChecks';

const CLI = path.resolve('dist/cli.js');
const PASSPHRASE = 'stickwright-test'; // what the fixture's init answers (e2e/fixtures/lib/sw-init.sh)
let scratch: string;
let passFile: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sw-enc-home-'));
  passFile = path.join(scratch, 'pass.txt');
  writeFileSync(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeStick(fs: 'ext4' | 'vfat', name: string): string {
  const stick = path.join(scratch, `${name}.img`);
  const run = spawnSync(
    process.execPath,
    [CLI, 'write', '--iso', fixtureFile('liveos', 'image.iso'), '--target', stick, '--size', '1G', '--fs', fs, '--overlay', '128M', '--home', '64M', '--encrypt-home', '--passphrase-file', passFile],
    { encoding: 'utf8', env: { ...process.env, STICKWRIGHT_LUKS_FAST_KDF: '1' }, timeout: 300_000 },
  );
  if (run.status !== 0) throw new Error(`write failed (${run.status}): ${run.stderr}`);
  return stick;
}

/** home.img out of the ext4 live partition, through debugfs. */
function extractHome(stick: string): string {
  const [live] = readPartitions(stick);
  if (!live) throw new Error('no live partition');
  const out = path.join(scratch, 'home.img');
  withPartition(stick, live, (device) => execFileSync('debugfs', ['-R', `dump /LiveOS/home.img ${out}`, device], { stdio: 'ignore' }));
  return out;
}

describe('encrypted home.img', () => {
  it('on the host: LUKS2, the passphrase opens it, the payload decrypts to a clean ext4 labelled HOME', () => {
    const home = extractHome(writeStick('ext4', 'host-check'));
    const meta = JSON.parse(execFileSync('cryptsetup', ['luksDump', '--dump-json-metadata', home], { encoding: 'utf8' })) as {
      segments: Record<string, { offset: string; sector_size: number; encryption: string }>;
    };
    const segment = meta.segments['0'];
    expect(segment).toMatchObject({ encryption: 'aes-xts-plain64', sector_size: 4096 });
    const wrong = spawnSync('cryptsetup', ['luksDump', '--dump-volume-key', '--batch-mode', '--key-file', '-', home], { input: 'not the passphrase', encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);
    const dump = execFileSync('cryptsetup', ['luksDump', '--dump-volume-key', '--batch-mode', '--key-file', '-', home], { input: PASSPHRASE, encoding: 'utf8' });
    const hex = /MK dump:\s*((?:[0-9a-f]{2}\s*)+)/.exec(dump)?.[1]?.replace(/\s+/g, '');
    expect(hex).toHaveLength(128);
    const key = Buffer.from(hex ?? '', 'hex');

    // Decrypt as dm-crypt does with LUKS2 4 KiB sectors: plain64 IV = the offset in 512-byte units.
    const offset = Number(segment?.offset);
    const plain = path.join(scratch, 'plain.img');
    const input = openSync(home, 'r');
    const output = openSync(plain, 'w');
    const sector = Buffer.alloc(4096);
    const iv = Buffer.alloc(16);
    for (let n = 0; ; n += 1) {
      if (readSync(input, sector, 0, 4096, offset + n * 4096) !== 4096) break;
      iv.writeBigUInt64LE(BigInt(n * 8));
      const decipher = createDecipheriv('aes-256-xts', key, iv);
      writeSync(output, Buffer.concat([decipher.update(sector), decipher.final()]));
    }
    closeSync(input);
    closeSync(output);
    const fsck = spawnSync('e2fsck', ['-f', '-n', plain], { encoding: 'utf8' });
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
    expect(execFileSync('blkid', ['-o', 'value', '-s', 'LABEL', plain], { encoding: 'utf8' }).trim()).toBe('HOME');
  });

  describe.concurrent('in QEMU, the live system unlocks it with dm-crypt and keeps /home across a reboot', () => {
    for (const fs of ['ext4', 'vfat'] as const) {
      it(`${fs} stick`, async ({ expect }) => {
        const stick = writeStick(fs, `boot-${fs}`);
        for (const n of [1, 2]) {
          const { report, logPath } = await bootImage({ image: stick, firmware: 'bios', medium: 'usb', name: `enc-home-${fs}-${n}` });
          const why = `boot ${n}, serial log: ${logPath}`;
          expect(report.done, why).toBe(true);
          expect(report.home, why).toMatchObject({ state: 'mounted', encrypted: true, fstype: 'ext4', dev: '/dev/mapper/EncHome' });
          expect(report.homeBootCount, why).toBe(n);
          expect(report.bootCount, why).toBe(n);
        }
      });
    }
  });
});
