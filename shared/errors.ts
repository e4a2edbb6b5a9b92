// Every failure a user can meet has a stable code, a one-line summary, and what to do next.
// The CLI prints `error CODE: summary (detail). hint`; the UI maps the same codes to words;
// tests assert codes, never message text.

export interface ErrorInfo {
  /** Process exit status for the CLI and the worker. */
  readonly exitCode: number;
  /** What happened, in one sentence. */
  readonly summary: string;
  /** What the user can do about it. */
  readonly hint: string;
}

/** Exit statuses, grouped so scripts can branch on the kind of failure. */
export const EXIT = {
  OK: 0,
  USAGE: 2,
  SOURCE: 3,
  TARGET: 4,
  WRITE: 5,
  VERIFY: 6,
  INTERNAL: 70,
  CANCELLED: 130,
} as const;

export const ERROR_CATALOG = {
  USAGE: {
    exitCode: EXIT.USAGE,
    summary: 'The command line is not valid.',
    hint: 'Run `stickwright --help` for the verbs and their options.',
  },
  SOURCE_NOT_FOUND: {
    exitCode: EXIT.SOURCE,
    summary: 'There is no file at the given path.',
    hint: 'Check the path of the ISO image and try again.',
  },
  SOURCE_IS_DIRECTORY: {
    exitCode: EXIT.SOURCE,
    summary: 'The given path is a directory, not an image file.',
    hint: 'Give the path of the .iso file itself.',
  },
  SOURCE_NOT_A_FILE: {
    exitCode: EXIT.SOURCE,
    summary: 'The given path is not a regular file or block device.',
    hint: 'Give the path of an .iso file.',
  },
  SOURCE_PERMISSION_DENIED: {
    exitCode: EXIT.SOURCE,
    summary: 'The image file cannot be read: permission denied.',
    hint: 'Make the file readable by your user (or copy it somewhere you can read) and try again.',
  },
  SOURCE_READ_ERROR: {
    exitCode: EXIT.SOURCE,
    summary: 'Reading the image file failed with an I/O error.',
    hint: 'The file or the disk holding it may be damaged; copy or download the image again.',
  },
  SOURCE_NOT_ISO9660: {
    exitCode: EXIT.SOURCE,
    summary: 'The file is not an ISO 9660 image (no CD001 volume descriptor).',
    hint: 'Choose a live .iso image; raw disk images (.img) are written with raw mode.',
  },
  SOURCE_TRUNCATED: {
    exitCode: EXIT.SOURCE,
    summary: 'The image is shorter than its own volume descriptor says: it is truncated.',
    hint: 'The download or copy was probably interrupted; download the image again and check its checksum.',
  },
  SOURCE_CORRUPT: {
    exitCode: EXIT.SOURCE,
    summary: 'The image is damaged: its ISO 9660 structures, its live root image, or its published checksum do not check out.',
    hint: 'Download the image again and check its checksum.',
  },
  NO_LIVE_LAYOUT: {
    exitCode: EXIT.SOURCE,
    summary: 'The image has no live layout Stickwright can add persistence to.',
    hint: 'Check that it is a live ISO (Fedora-style LiveOS); images without a live layout can only be written byte for byte (raw mode).',
  },
  FAMILY_NOT_SUPPORTED: {
    exitCode: EXIT.SOURCE,
    summary: 'Persistence for this family of live images is not supported yet.',
    hint: 'Use a Fedora-style (dracut LiveOS) image, or write the image byte for byte without persistence.',
  },
  LABEL_INVALID: {
    exitCode: EXIT.USAGE,
    summary: 'The filesystem label is not valid for the chosen filesystem.',
    hint: 'Use letters, digits, "-" and "_" only, no spaces (at most 11 characters on vfat, 16 on ext4 and F2FS).',
  },
  OPTIONS_CONFLICT: {
    exitCode: EXIT.USAGE,
    summary: 'The chosen options cannot be used together.',
    hint: 'Drop one of the conflicting options; the detail says which.',
  },
  VFAT_FILE_TOO_LARGE: {
    exitCode: EXIT.USAGE,
    summary: 'A file would be 4 GiB or larger, which vfat cannot hold.',
    hint: 'Choose a smaller overlay or home (at most 4095 MiB each), or choose ext4 or F2FS.',
  },
  UEFI_CANNOT_READ_FS: {
    exitCode: EXIT.USAGE,
    summary: "The image's own UEFI boot loader cannot read the chosen filesystem.",
    hint: 'Choose a filesystem it can read (the detail lists them), or ext4/vfat.',
  },
  TARGET_TOO_SMALL: {
    exitCode: EXIT.TARGET,
    summary: 'The target is too small for what is to be written on it.',
    hint: 'Choose a larger stick; for a live image with persistence, a smaller overlay or home also helps.',
  },
  TARGET_NOT_FOUND: {
    exitCode: EXIT.TARGET,
    summary: 'There is no device or image file at the target path.',
    hint: 'Check the path; to create a virtual stick (an image file), also give --size.',
  },
  TARGET_NOT_USABLE: {
    exitCode: EXIT.TARGET,
    summary: 'The target is neither a whole disk nor a regular image file.',
    hint: 'Give a whole disk (e.g. /dev/sdb, not /dev/sdb1) or an image file path.',
  },
  TARGET_NOT_WHOLE_DISK: {
    exitCode: EXIT.TARGET,
    summary: 'The target is a partition, not a whole disk.',
    hint: 'Give the whole disk (for /dev/sdb1 that is /dev/sdb); everything on it will be replaced.',
  },
  TARGET_MOUNTED: {
    exitCode: EXIT.TARGET,
    summary: 'A filesystem on the target is mounted.',
    hint: 'Unmount it first (the detail names it), or let Stickwright do it (`write --unmount`, or agree in the app); nothing was written.',
  },
  UNMOUNT_FAILED: {
    exitCode: EXIT.TARGET,
    summary: 'A filesystem on the target could not be unmounted.',
    hint: 'Close the programs and terminals using it (the detail names it) and try again; nothing was written.',
  },
  TARGET_BUSY: {
    exitCode: EXIT.TARGET,
    summary: 'Another program holds the target open.',
    hint: 'Close programs using the stick (file managers, disk tools) and try again; nothing was written.',
  },
  WORKER_FAILED: {
    exitCode: EXIT.INTERNAL,
    summary: 'The privileged helper that writes the stick stopped without finishing.',
    hint: 'The stick may be incomplete: write it again. If this repeats, run `stickwright write` in a terminal to see why.',
  },
  NOT_AUTHORISED: {
    exitCode: EXIT.TARGET,
    summary: 'Writing the stick needs administrator rights, and they were not given.',
    hint: 'Try again and enter your password when asked; nothing was written.',
  },
  PLATFORM_NOT_SUPPORTED: {
    exitCode: EXIT.USAGE,
    summary: 'This is not available on this operating system yet.',
    hint: 'Linux has every feature today; the README lists what each OS supports.',
  },
  TARGET_CHANGED: {
    exitCode: EXIT.TARGET,
    summary: 'The drive is not the one that was chosen: its size changed.',
    hint: 'A stick may have been swapped; choose the drive again. Nothing was written.',
  },
  TARGET_READ_ONLY: {
    exitCode: EXIT.TARGET,
    summary: 'The target is read-only.',
    hint: 'Check the stick\'s write-protect switch, or choose another target; nothing was written.',
  },
  TARGET_IS_SYSTEM: {
    exitCode: EXIT.TARGET,
    summary: 'The target holds the running system.',
    hint: 'Choose a removable stick; Stickwright never writes to the disk the computer runs from.',
  },
  TARGET_HOLDS_SOURCE: {
    exitCode: EXIT.TARGET,
    summary: 'The target holds the ISO image being written.',
    hint: 'Copy the ISO to another disk first, or choose another target.',
  },
  TARGET_SIZE_REQUIRED: {
    exitCode: EXIT.USAGE,
    summary: 'The target image file does not exist, and no size was given to create it.',
    hint: 'Add --size (e.g. --size 8G) to create a virtual stick of that size.',
  },
  STICK_NOT_FOUND: {
    exitCode: EXIT.TARGET,
    summary: 'There is no stick or stick image at the given path.',
    hint: 'Check the path: give the whole stick (e.g. /dev/sdb) or the image file it was written to.',
  },
  STICK_UNREADABLE: {
    exitCode: EXIT.TARGET,
    summary: 'The stick cannot be read.',
    hint: 'Reading a device usually needs root (try sudo); if it still fails, the stick may be damaged or unplugged.',
  },
  STICK_NO_LIVE_IMAGE: {
    exitCode: EXIT.TARGET,
    summary: 'No live image was found on the stick.',
    hint: 'Give a whole stick written by Stickwright or livecd-iso-to-disk: a LiveOS directory (or a sister directory) on a vfat, ext4 or F2FS partition.',
  },
  IMAGE_NOT_FOUND: {
    exitCode: EXIT.USAGE,
    summary: 'The stick has no live image in the directory given.',
    hint: 'Run `stickwright usage <stick>` to see its images, then give one with --dir.',
  },
  RESET_NOT_POSSIBLE: {
    exitCode: EXIT.TARGET,
    summary: 'This overlay cannot be reset offline.',
    hint: 'The detail says why and what to do instead; nothing was changed.',
  },
  VERIFY_FAILED: {
    exitCode: EXIT.VERIFY,
    summary: 'What was written does not check out.',
    hint: 'The stick may be failing or was unplugged; do not rely on it. Write it again, or try another stick.',
  },
  GROW_NOT_POSSIBLE: {
    exitCode: EXIT.TARGET,
    summary: 'This overlay cannot be grown offline.',
    hint: 'The detail says why and what to do instead; nothing was changed.',
  },
  MULTI_NOT_POSSIBLE: {
    exitCode: EXIT.TARGET,
    summary: 'This image cannot be added to or removed from the stick offline.',
    hint: 'The detail says why and what to do instead; nothing was changed.',
  },
  TARGET_FULL: {
    exitCode: EXIT.WRITE,
    summary: 'The target ran out of space while writing.',
    hint: 'For an image file, free space on the disk that holds it; the stick is left incomplete and must be written again.',
  },
  DEVICE_GONE: {
    exitCode: EXIT.WRITE,
    summary: 'The target disappeared while writing.',
    hint: 'Plug the stick back in and write it again; it is incomplete.',
  },
  WRITE_FAILED: {
    exitCode: EXIT.WRITE,
    summary: 'Writing the stick failed.',
    hint: 'The detail says which step; the stick is incomplete and must be written again.',
  },
  TOOL_MISSING: {
    exitCode: EXIT.WRITE,
    summary: 'A system program Stickwright needs is not installed.',
    hint: 'Install it (the detail names the program and its Debian package) and try again; nothing was written.',
  },
  CONFIRMATION_REQUIRED: {
    exitCode: EXIT.USAGE,
    summary: 'Writing erases the whole target and needs confirmation.',
    hint: 'Add --yes to confirm that everything on the target may be erased.',
  },
  BAD_REQUEST: {
    exitCode: EXIT.USAGE,
    summary: 'A request was refused because it does not match the expected shape.',
    hint: 'This is a bug in the caller; nothing was read or written.',
  },
  CANCELLED: {
    exitCode: EXIT.CANCELLED,
    summary: 'The operation was cancelled.',
    hint: 'Nothing more will be done; start again when ready.',
  },
  INTERNAL: {
    exitCode: EXIT.INTERNAL,
    summary: 'Stickwright hit an internal error.',
    hint: 'This is a bug; please report it with the command you ran and the output of --json.',
  },
} as const satisfies Record<string, ErrorInfo>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}

/** Data that explains a failure: sizes, paths, offsets. Plain JSON so it crosses IPC and NDJSON. */
export type ErrorData = Readonly<Record<string, string | number | boolean | null>>;

/** The one error type the engine throws for anything a user can meet. */
export class StickwrightError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly data: ErrorData;

  constructor(code: ErrorCode, detail?: string, data: ErrorData = {}, options?: { cause?: unknown }) {
    super(formatErrorLine(code, detail), options);
    this.name = 'StickwrightError';
    this.code = code;
    this.detail = detail;
    this.data = data;
  }
}

/** `SOURCE_TRUNCATED: The image is shorter… (detail). Download the image again…` */
export function formatErrorLine(code: ErrorCode, detail?: string): string {
  const info = ERROR_CATALOG[code];
  const what = detail ? `${info.summary.replace(/\.$/, '')} (${detail}).` : info.summary;
  return `${code}: ${what} ${info.hint}`;
}

/** The serialisable shape of an error, as it crosses IPC, NDJSON and `--json` output. */
export interface ErrorPayload {
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint: string;
  readonly detail: string | null;
  readonly data: ErrorData;
}

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof StickwrightError) {
    return {
      code: error.code,
      message: error.message,
      hint: ERROR_CATALOG[error.code].hint,
      detail: error.detail ?? null,
      data: error.data,
    };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    message: formatErrorLine('INTERNAL', detail),
    hint: ERROR_CATALOG.INTERNAL.hint,
    detail,
    data: {},
  };
}
