// The engine's building blocks are pure of user-facing codes (the FAT planner, the GRUB
// installer); the write pipeline turns their failures into the codes a person can act on.
import { StickwrightError, type ErrorCode } from '../../../shared/errors';
import { FatLayoutError, type FatLayoutFailure } from '../fs/fat/fatLayoutError';
import { FatContentSizeError } from '../fs/fat/fatImageWriter';
import { GrubBiosError } from '../boot/grubBiosError';

const FAT_CODES: Readonly<Record<FatLayoutFailure, ErrorCode>> = {
  'file-too-large': 'VFAT_FILE_TOO_LARGE',
  'volume-too-small': 'TARGET_TOO_SMALL',
  'volume-too-large': 'INTERNAL',
  'name-invalid': 'WRITE_FAILED',
  'label-invalid': 'LABEL_INVALID',
  'too-many-entries': 'WRITE_FAILED',
};

export function asWriteError(error: unknown): unknown {
  if (error instanceof StickwrightError) return error;
  if (error instanceof FatLayoutError) {
    return new StickwrightError(FAT_CODES[error.reason], `laying out the FAT filesystem: ${error.message}`, error.data, { cause: error });
  }
  if (error instanceof FatContentSizeError) {
    return new StickwrightError('SOURCE_CORRUPT', error.message, { path: error.path }, { cause: error });
  }
  if (error instanceof GrubBiosError) {
    const code: ErrorCode = error.reason === 'GRUB_TOOLS_MISSING' ? 'TOOL_MISSING' : 'WRITE_FAILED';
    const detail = error.reason === 'GRUB_TOOLS_MISSING' ? `${error.message} (Debian packages grub-common and grub-pc-bin)` : `installing GRUB for BIOS: ${error.message}`;
    return new StickwrightError(code, detail, error.data, { cause: error });
  }
  return error;
}
