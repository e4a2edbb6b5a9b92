// Why a FAT layout cannot be planned. The planner is pure and knows no user-facing codes; the
// caller maps `reason` to a StickwrightError code (TARGET_TOO_SMALL, FILE_TOO_LARGE_FOR_FAT …).

export type FatLayoutFailure =
  /** A file of 4 GiB or more: DIR_FileSize is 32 bits (fatgen103 §6). */
  | 'file-too-large'
  /** The volume cannot hold a FAT of the asked type, or the files do not fit. */
  | 'volume-too-small'
  /** FAT12/FAT16 was asked for a volume too large for it even with 64 KiB clusters. */
  | 'volume-too-large'
  /** A path component that is not a valid long file name, or two names that differ only in case. */
  | 'name-invalid'
  /** A volume label that mkfs.fat would refuse (too long, forbidden characters, not ASCII). */
  | 'label-invalid'
  /** A directory with more than 65,536 entries (fatgen103 §6), or a root that cannot hold its names. */
  | 'too-many-entries';

/** Plain JSON so it can become a StickwrightError's data unchanged. */
export type FatLayoutErrorData = Readonly<Record<string, string | number | null>>;

export class FatLayoutError extends Error {
  constructor(
    readonly reason: FatLayoutFailure,
    message: string,
    readonly data: FatLayoutErrorData = {},
  ) {
    super(message);
    this.name = 'FatLayoutError';
  }
}
