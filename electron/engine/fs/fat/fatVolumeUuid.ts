// The FAT volume serial number (BS_VolID, fatgen103 §3.2/§3.3) as blkid prints it for UUID=:
// high 16 bits, a dash, low 16 bits, upper-case hex (util-linux libblkid/src/superblocks/vfat.c).
// dracut builds the persistence file name from it: overlay-<LABEL>-<UUID>.

export function fatVolumeUuid(volumeId: number): string {
  if (!Number.isInteger(volumeId) || volumeId < 0 || volumeId > 0xffffffff) {
    throw new RangeError(`volume id ${volumeId} is not a 32-bit unsigned integer`);
  }
  const hex = volumeId.toString(16).toUpperCase().padStart(8, '0');
  return `${hex.slice(0, 4)}-${hex.slice(4)}`;
}

/** "ABCD-1234" → 0xABCD1234; null when the text is not such a UUID. */
export function parseFatVolumeUuid(uuid: string): number | null {
  const match = /^([0-9a-f]{4})-([0-9a-f]{4})$/iu.exec(uuid);
  return match ? Number.parseInt(`${match[1]}${match[2]}`, 16) : null;
}
