// Embedded images (EFI boot images, root filesystem images) are looked into for information;
// when one is damaged or uses a feature we do not read, the report says so instead of failing.
import { StickwrightError } from '../../../shared/errors';
import { FilesystemError } from '../fs/filesystemError';
import { ByteRangeError } from '../io/byteSource';

/** A sentence for the report, or rethrows errors that are about the ISO file itself. */
export function describePeekFailure(what: string, error: unknown): string {
  if (error instanceof StickwrightError && error.code !== 'SOURCE_CORRUPT') throw error;
  if (error instanceof FilesystemError && error.unsupported) return `${what} could not be read: ${error.message}.`;
  if (error instanceof FilesystemError || error instanceof ByteRangeError || error instanceof StickwrightError) {
    return `${what} looks damaged (${error.message}).`;
  }
  if (error instanceof RangeError) return `${what} looks damaged (${error.message}).`;
  throw error;
}
