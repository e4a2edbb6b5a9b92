// Checks the ISO itself before anything is written, against the checksum its publisher gave:
// a file beside it (Fedora's *-CHECKSUM, Debian/Ubuntu's SHA256SUMS / SHA512SUMS, NAME.sha256)
// found automatically, or one the user names (a file or a digest). A damaged download is
// stopped before the stick is erased, with what to do about it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { StickwrightError } from '../../../shared/errors';

export type ChecksumAlgorithm = 'sha256' | 'sha512';

export interface ExpectedChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly hex: string;
  /** Where it came from, for messages: a file path, or "--checksum". */
  readonly source: string;
}

/** What the caller asked for: look beside the ISO, skip, or use this digest or file. */
export type ChecksumRequest = { readonly kind: 'auto' } | { readonly kind: 'off' } | { readonly kind: 'digest'; readonly value: string } | { readonly kind: 'file'; readonly path: string };

export interface ChecksumOutcome {
  readonly algorithm: ChecksumAlgorithm;
  readonly source: string;
  readonly hex: string;
}

const LENGTHS: Readonly<Record<number, ChecksumAlgorithm>> = { 64: 'sha256', 128: 'sha512' };
/** Names of checksum files beside an ISO, most specific first. */
const BESIDE = [/^(.*)\.(sha256|sha512)(sum)?(\.txt)?$/i, /CHECKSUM/i, /^SHA(256|512)SUMS?(\.txt)?$/i, /^sha(256|512)sum\.txt$/i];

/**
 * The digest `text` gives for `isoName`: BSD lines `SHA256 (name) = hex` (Fedora, signed or
 * not), GNU lines `hex  name` / `hex *name`, or a lone digest (a NAME.sha256 file).
 */
export function digestFor(text: string, isoName: string): { algorithm: ChecksumAlgorithm; hex: string } | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  for (const line of lines) {
    const bsd = /^(SHA256|SHA512) \((.+)\) = ([0-9a-fA-F]+)$/.exec(line);
    if (bsd && bsd[2] === isoName) return checked(bsd[3] as string, (bsd[1] as string).toLowerCase() as ChecksumAlgorithm);
    const gnu = /^([0-9a-fA-F]{64}|[0-9a-fA-F]{128}) [ *](.+)$/.exec(line);
    if (gnu && path.basename((gnu[2] as string).replace(/^\.\//, '')) === isoName) return checked(gnu[1] as string);
  }
  const digests = lines.filter((l) => l.length > 0 && !l.startsWith('#'));
  if (digests.length === 1 && /^([0-9a-fA-F]{64}|[0-9a-fA-F]{128})$/.test(digests[0] as string)) return checked(digests[0] as string);
  return null;
}

function checked(hex: string, algorithm?: ChecksumAlgorithm): { algorithm: ChecksumAlgorithm; hex: string } | null {
  const byLength = LENGTHS[hex.length];
  if (!byLength || (algorithm && algorithm !== byLength)) return null;
  return { algorithm: byLength, hex: hex.toLowerCase() };
}

/** What to check the ISO against, or null (auto and nothing found beside it, or off). */
export async function expectedChecksum(isoPath: string, request: ChecksumRequest): Promise<ExpectedChecksum | null> {
  const isoName = path.basename(isoPath);
  switch (request.kind) {
    case 'off':
      return null;
    case 'digest': {
      const value = request.value.replace(/^(sha256|sha512):/i, '');
      const digest = checked(value, /^sha512:/i.test(request.value) ? 'sha512' : /^sha256:/i.test(request.value) ? 'sha256' : undefined);
      if (!digest) throw new StickwrightError('USAGE', `--checksum ${request.value} is not a SHA-256 (64 hex digits) or SHA-512 (128) digest, nor a file`);
      return { ...digest, source: '--checksum' };
    }
    case 'file': {
      const text = await readFile(request.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new StickwrightError('USAGE', `cannot read the checksum file ${request.path}: ${error.code ?? String(error)}`);
      });
      const digest = digestFor(text, isoName);
      if (!digest) throw new StickwrightError('USAGE', `the checksum file ${request.path} has no SHA-256 or SHA-512 line for ${isoName}`);
      return { ...digest, source: request.path };
    }
    case 'auto': {
      const dir = path.dirname(isoPath);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const pattern of BESIDE) {
        for (const name of names.filter((n) => pattern.test(n) && n !== isoName).sort()) {
          const file = path.join(dir, name);
          const info = await stat(file).catch(() => null);
          // A checksum file is small; anything big beside the ISO is something else.
          if (!info?.isFile() || info.size > 1 << 20) continue;
          const digest = digestFor(await readFile(file, 'utf8').catch(() => ''), isoName);
          if (digest) return { ...digest, source: file };
        }
      }
      return null;
    }
  }
}

/** Hashes the ISO; SOURCE_CORRUPT when it is not what its publisher's checksum says. */
export async function checkIsoChecksum(isoPath: string, expected: ExpectedChecksum, options: { readonly signal?: AbortSignal; readonly onBytes?: (n: number) => void } = {}): Promise<ChecksumOutcome> {
  const hash = createHash(expected.algorithm);
  try {
    for await (const chunk of createReadStream(isoPath, { highWaterMark: 4 * 2 ** 20, signal: options.signal })) {
      hash.update(chunk as Buffer);
      options.onBytes?.((chunk as Buffer).length);
    }
  } catch (error) {
    if (options.signal?.aborted) throw new StickwrightError('CANCELLED', 'while checking the ISO against its checksum');
    throw new StickwrightError('SOURCE_READ_ERROR', `reading ${isoPath} to check its checksum: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path: isoPath });
  }
  const hex = hash.digest('hex');
  if (hex !== expected.hex) {
    throw new StickwrightError(
      'SOURCE_CORRUPT',
      `${path.basename(isoPath)} does not match its checksum: its ${expected.algorithm.toUpperCase()} is ${hex}, but ${expected.source} says ${expected.hex}. The download is damaged or is not the file the checksum is for: download it again`,
      { path: isoPath, algorithm: expected.algorithm, expected: expected.hex, actual: hex, checksumSource: expected.source },
    );
  }
  return { algorithm: expected.algorithm, source: expected.source, hex };
}
