// An encrypted home.img: LUKS2 (aes-xts-plain64, 512-bit key, 4096-byte sectors) around a fresh
// ext4, made without device-mapper (this machine's kernel has none, and macOS/Windows never
// will): cryptsetup writes only the LUKS2 header into a file, with a volume key we chose; we
// encrypt the ext4 image ourselves with that key, one 4096-byte sector at a time, exactly as
// dm-crypt reads it: the plain64 IV is the sector's offset in 512-byte units (LUKS2 does not set
// dm-crypt's `iv_large_sectors`; a test in QEMU with the real dm-crypt is what settled this).
// The whole file is written: ciphertext everywhere, as livecd-iso-to-disk's random fill of an
// encrypted home (livecd-spec.md §1.5).
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StickwrightError } from '../../../shared/errors';
import { runTool } from '../system/runTool';

const SECTOR = 4096;
const CHUNK = 4 * 2 ** 20;

export interface EncryptedHome {
  /** The whole home.img, `size` bytes: the LUKS2 header, then the encrypted ext4. */
  readonly chunks: () => AsyncGenerator<Buffer>;
  readonly size: number;
  /** Removes the key material and the work files. */
  readonly dispose: () => Promise<void>;
}

/**
 * The key derivation: argon2id with at most 256 MiB of memory, so a stick formatted on a big
 * machine still unlocks on a small one. STICKWRIGHT_LUKS_FAST_KDF=1 (tests on emulated machines
 * only) uses a cheap PBKDF2 — never for real sticks.
 */
function kdfArgs(): string[] {
  if (process.env.STICKWRIGHT_LUKS_FAST_KDF === '1') return ['--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000'];
  return ['--pbkdf', 'argon2id', '--pbkdf-memory', '262144', '--iter-time', '2000'];
}

export async function prepareEncryptedHome(size: number, uuid: string, passphrase: Buffer, signal?: AbortSignal): Promise<EncryptedHome> {
  if (passphrase.length === 0) throw new StickwrightError('OPTIONS_CONFLICT', 'an encrypted home needs a non-empty passphrase');
  const dir = await mkdtemp(path.join(tmpdir(), 'sw-home-'));
  const volumeKey = randomBytes(64);
  const dispose = async () => {
    // Overwrite the key material before the files go (best effort: tmpfs or disk).
    await writeFile(path.join(dir, 'key'), Buffer.alloc(passphrase.length)).catch(() => undefined);
    await writeFile(path.join(dir, 'volume-key'), Buffer.alloc(64)).catch(() => undefined);
    volumeKey.fill(0);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const keyFile = path.join(dir, 'key');
    const volumeKeyFile = path.join(dir, 'volume-key');
    await writeFile(keyFile, passphrase, { mode: 0o600 });
    await writeFile(volumeKeyFile, volumeKey, { mode: 0o600 });
    const header = path.join(dir, 'header.img');
    const handle = await open(header, 'w', 0o600);
    await handle.truncate(size);
    await handle.close();
    await runTool(
      'cryptsetup',
      ['luksFormat', '--type', 'luks2', '--batch-mode', '--key-file', keyFile, '--volume-key-file', volumeKeyFile, '--cipher', 'aes-xts-plain64', '--key-size', '512', '--sector-size', String(SECTOR), '--label', 'HOME', ...kdfArgs(), header],
      { what: 'formatting the encrypted home (LUKS2 header)', signal },
    );
    const { stdout } = await runTool('cryptsetup', ['luksDump', '--dump-json-metadata', header], { what: 'reading the LUKS2 header' });
    const segment = (JSON.parse(stdout) as { segments?: Record<string, { offset?: string; sector_size?: number }> }).segments?.['0'];
    const offset = Number(segment?.offset);
    if (!Number.isSafeInteger(offset) || offset <= 0 || offset >= size || segment?.sector_size !== SECTOR) {
      throw new StickwrightError('WRITE_FAILED', `unexpected LUKS2 layout (data offset ${segment?.offset}, sector size ${segment?.sector_size})`);
    }
    const plain = path.join(dir, 'plain.img');
    const plainHandle = await open(plain, 'w', 0o600);
    await plainHandle.truncate(size - offset);
    await plainHandle.close();
    await runTool('mke2fs', ['-t', 'ext4', '-F', '-q', '-m', '0', '-L', 'HOME', '-U', uuid, '-b', '4096', '-E', 'nodiscard,lazy_itable_init=1,lazy_journal_init=1', plain], {
      what: 'making the ext4 filesystem of the encrypted home',
      signal,
    });

    const chunks = async function* (): AsyncGenerator<Buffer> {
      const head = await open(header, 'r');
      try {
        for (let at = 0; at < offset; at += CHUNK) {
          const buffer = Buffer.alloc(Math.min(CHUNK, offset - at));
          await head.read(buffer, 0, buffer.length, at);
          yield buffer;
        }
      } finally {
        await head.close();
      }
      const body = await open(plain, 'r');
      const iv = Buffer.alloc(16);
      try {
        for (let at = 0; at < size - offset; at += CHUNK) {
          if (signal?.aborted) throw new StickwrightError('CANCELLED', 'while encrypting the home');
          const buffer = Buffer.alloc(Math.min(CHUNK, size - offset - at));
          await body.read(buffer, 0, buffer.length, at);
          for (let s = 0; s < buffer.length; s += SECTOR) {
            iv.writeBigUInt64LE(BigInt((at + s) / 512));
            const cipher = createCipheriv('aes-256-xts', volumeKey, iv);
            cipher.update(buffer.subarray(s, s + SECTOR)).copy(buffer, s);
            cipher.final();
          }
          yield buffer;
        }
      } finally {
        await body.close();
      }
    };
    if (size % SECTOR !== 0) throw new StickwrightError('OPTIONS_CONFLICT', 'the home size must be a multiple of 4 KiB');
    return { chunks, size, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
