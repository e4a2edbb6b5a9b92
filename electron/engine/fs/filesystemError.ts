/**
 * An embedded filesystem (FAT, squashfs, EROFS) is damaged or of a kind we cannot read. The
 * readers here are general; the caller decides whether that fails its task or becomes a note.
 */
export class FilesystemError extends Error {
  constructor(
    readonly filesystem: string,
    message: string,
    /** True when the data may be fine but uses a feature this reader does not implement. */
    readonly unsupported = false,
  ) {
    super(`${filesystem}: ${message}`);
    this.name = 'FilesystemError';
  }
}
