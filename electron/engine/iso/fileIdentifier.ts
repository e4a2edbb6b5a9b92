// Names as recorded in the primary (ECMA-119 §7.5) and Joliet hierarchies.
import { decodeUtf16BE } from './isoFields';

/** "FOO.TXT;1" → "FOO.TXT", "README.;1" → "README" (§7.5.1: version number and empty extension). */
export function stripVersion(name: string): string {
  return name.replace(/;\d*$/u, '').replace(/\.$/u, '');
}

/** A primary-hierarchy identifier (d-characters; xorriso may relax them, hence Latin-1). */
export function decodeIsoName(identifier: Buffer): string {
  return stripVersion(identifier.toString('latin1'));
}

/** A Joliet identifier: UCS-2 big-endian, up to 64 characters (103 with -joliet-long). */
export function decodeJolietName(identifier: Buffer): string {
  return stripVersion(decodeUtf16BE(identifier));
}
