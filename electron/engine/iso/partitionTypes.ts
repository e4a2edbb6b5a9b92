// Names for the partition types a live or installer image carries, for people to read.

/** MBR system ids (the de-facto registry kept with util-linux's fdisk, libfdisk/src/pt-mbr-partnames.h). */
const MBR_TYPES: Readonly<Record<number, string>> = {
  0x00: 'Empty',
  0x01: 'FAT12',
  0x04: 'FAT16 <32M',
  0x05: 'Extended',
  0x06: 'FAT16',
  0x07: 'HPFS/NTFS/exFAT',
  0x0b: 'W95 FAT32',
  0x0c: 'W95 FAT32 (LBA)',
  0x0e: 'W95 FAT16 (LBA)',
  0x0f: 'W95 Extended (LBA)',
  0x17: 'Hidden HPFS/NTFS',
  0x1c: 'Hidden W95 FAT32 (LBA)',
  0x82: 'Linux swap',
  0x83: 'Linux',
  0x8e: 'Linux LVM',
  0x96: 'CHRP ISO-9660',
  0xa5: 'FreeBSD',
  0xa6: 'OpenBSD',
  0xa9: 'NetBSD',
  0xaf: 'HFS / HFS+',
  0xcd: 'ISO 9660 (hybrid)',
  0xee: 'GPT protective',
  0xef: 'EFI System',
  0xfd: 'Linux RAID autodetect',
};

/** GPT partition type GUIDs (UEFI 2.10 §5.3.3 table 5.7 and the vendors' own registrations). */
const GPT_TYPES: Readonly<Record<string, string>> = {
  'c12a7328-f81f-11d2-ba4b-00a0c93ec93b': 'EFI System',
  '21686148-6449-6e6f-744e-656564454649': 'BIOS boot',
  'ebd0a0a2-b9e5-4433-87c0-68b6b72699c7': 'Microsoft basic data',
  'e3c9e316-0b5c-4db8-817d-f92df00215ae': 'Microsoft reserved',
  '0fc63daf-8483-4772-8e79-3d69d8477de4': 'Linux filesystem',
  '4f68bce3-e8cd-4db1-96e7-fbcaf984b709': 'Linux root (x86-64)',
  '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f': 'Linux swap',
  'e6d6d379-f507-44c2-a23c-238f2a3df928': 'Linux LVM',
  'a19d880f-05fc-4d3b-a006-743f0f84911e': 'Linux RAID',
  '48465300-0000-11aa-aa11-00306543ecac': 'Apple HFS/HFS+',
  '7c3457ef-0000-11aa-aa11-00306543ecac': 'Apple APFS',
  '83bd6b9d-7f41-11dc-be0b-001560b84f0f': 'FreeBSD boot',
  '516e7cb4-6ecf-11d6-8ff8-00022d09712b': 'FreeBSD data',
  '516e7cb6-6ecf-11d6-8ff8-00022d09712b': 'FreeBSD UFS',
  '516e7cb5-6ecf-11d6-8ff8-00022d09712b': 'FreeBSD swap',
  '516e7cba-6ecf-11d6-8ff8-00022d09712b': 'FreeBSD ZFS',
  '824cc7a0-36a8-11e3-890a-952519ad3f61': 'OpenBSD data',
  '49f48d32-b10e-11dc-b99b-0019d1879648': 'NetBSD FFS',
};

export function mbrTypeName(type: number): string | null {
  return MBR_TYPES[type] ?? null;
}

export function gptTypeName(guid: string): string | null {
  return GPT_TYPES[guid.toLowerCase()] ?? null;
}

export const EFI_SYSTEM_GUID = 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b';
export const MBR_EFI_SYSTEM = 0xef;
