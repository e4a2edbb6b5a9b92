import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StickwrightError } from '../../../shared/errors';
import { checkIsoChecksum, digestFor, expectedChecksum } from './isoChecksum';

const ISO = 'Fedora-Workstation-Live-x86_64-41-1.4.iso';
const CONTENT = Buffer.from('not really an ISO, but bytes all the same\n'.repeat(1000));
const SHA256 = createHash('sha256').update(CONTENT).digest('hex');
const SHA512 = createHash('sha512').update(CONTENT).digest('hex');

describe('digestFor reads the checksum files publishers ship', () => {
  it("Fedora's signed CHECKSUM (BSD lines)", () => {
    const text = [
      '-----BEGIN PGP SIGNED MESSAGE-----',
      'Hash: SHA256',
      '',
      `# ${ISO}: 2398076928 bytes`,
      `SHA256 (other.iso) = ${'0'.repeat(64)}`,
      `SHA256 (${ISO}) = ${SHA256.toUpperCase()}`,
      '-----BEGIN PGP SIGNATURE-----',
    ].join('\n');
    expect(digestFor(text, ISO)).toEqual({ algorithm: 'sha256', hex: SHA256 });
  });

  it('SHA256SUMS / SHA512SUMS (GNU lines, text and binary mode, ./ prefix)', () => {
    expect(digestFor(`${'1'.repeat(64)}  other.iso\n${SHA256} *${ISO}\n`, ISO)).toEqual({ algorithm: 'sha256', hex: SHA256 });
    expect(digestFor(`${SHA512}  ./${ISO}\n`, ISO)).toEqual({ algorithm: 'sha512', hex: SHA512 });
  });

  it('a lone digest (NAME.sha256), and nothing for another name or a digest of the wrong length', () => {
    expect(digestFor(`${SHA256}\n`, ISO)).toEqual({ algorithm: 'sha256', hex: SHA256 });
    expect(digestFor(`${SHA256}  other.iso\n`, ISO)).toBeNull();
    expect(digestFor(`SHA256 (${ISO}) = ${SHA512}\n`, ISO)).toBeNull();
    expect(digestFor(`${'ab'.repeat(20)}  ${ISO}\n`, ISO)).toBeNull();
  });
});

describe('expectedChecksum and checkIsoChecksum', () => {
  let dir: string;
  let iso: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sw-checksum-'));
    iso = path.join(dir, ISO);
    writeFileSync(iso, CONTENT);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the CHECKSUM file beside the ISO, and the ISO matches it', async () => {
    writeFileSync(path.join(dir, 'Fedora-Workstation-41-1.4-x86_64-CHECKSUM'), `SHA256 (${ISO}) = ${SHA256}\n`);
    const expected = await expectedChecksum(iso, { kind: 'auto' });
    expect(expected).toEqual({ algorithm: 'sha256', hex: SHA256, source: path.join(dir, 'Fedora-Workstation-41-1.4-x86_64-CHECKSUM') });
    let bytes = 0;
    await expect(checkIsoChecksum(iso, expected!, { onBytes: (n) => (bytes += n) })).resolves.toMatchObject({ hex: SHA256 });
    expect(bytes).toBe(CONTENT.length);
  });

  it('nothing beside the ISO, or off: no check', async () => {
    await expect(expectedChecksum(iso, { kind: 'auto' })).resolves.toBeNull();
    writeFileSync(path.join(dir, 'SHA256SUMS'), `${SHA256}  ${ISO}\n`);
    await expect(expectedChecksum(iso, { kind: 'off' })).resolves.toBeNull();
  });

  it('a damaged download is SOURCE_CORRUPT, naming both digests and what to do', async () => {
    writeFileSync(path.join(dir, 'SHA256SUMS'), `${'f'.repeat(64)}  ${ISO}\n`);
    const expected = await expectedChecksum(iso, { kind: 'auto' });
    const error = await checkIsoChecksum(iso, expected!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StickwrightError);
    expect((error as StickwrightError).code).toBe('SOURCE_CORRUPT');
    expect((error as StickwrightError).message).toContain(SHA256);
    expect((error as StickwrightError).message).toContain('f'.repeat(64));
    expect((error as StickwrightError).message).toMatch(/download it again/);
  });

  it('a digest or file from the user; a bad one is a usage error', async () => {
    await expect(expectedChecksum(iso, { kind: 'digest', value: `sha512:${SHA512}` })).resolves.toMatchObject({ algorithm: 'sha512', source: '--checksum' });
    await expect(expectedChecksum(iso, { kind: 'digest', value: `sha256:${SHA512}` })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(expectedChecksum(iso, { kind: 'digest', value: 'abc' })).rejects.toMatchObject({ code: 'USAGE' });
    writeFileSync(path.join(dir, 'sums.txt'), `${SHA256}  other.iso\n`);
    await expect(expectedChecksum(iso, { kind: 'file', path: path.join(dir, 'sums.txt') })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(expectedChecksum(iso, { kind: 'file', path: path.join(dir, 'missing') })).rejects.toMatchObject({ code: 'USAGE' });
  });
});
