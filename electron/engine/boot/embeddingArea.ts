// Is the area core.img will take really free? The caller says where partition 1 starts; the
// tables on the disk have the last word. MBR: no partition may start inside the area. GPT
// (protective MBR type 0xEE): the header at LBA 1 and the entry array are off limits, and the
// area must lie outside every partition or wholly inside a BIOS boot partition (what
// grub-core/partmap/gpt.c embeds into).
import { GrubBiosError } from './grubBiosError';
import { BOOT_IMG, MBR_ENTRY_BYTES, MBR_TYPE_GPT_PROTECTIVE } from './grubBiosLayout';

export interface MbrEntry {
  /** 1–4. */
  index: number;
  type: number;
  startLba: number;
  sectors: number;
}

export interface GptLayout {
  entriesLba: number;
  entriesSectors: number;
  partitions: { index: number; typeGuid: string; firstLba: number; lastLba: number }[];
}

/** GPT type of a BIOS boot partition (grub-core/partmap/gpt.c GRUB_GPT_PARTITION_TYPE_BIOS_BOOT). */
export const BIOS_BOOT_PARTITION_GUID = '21686148-6449-6e6f-744e-656564454649';

/** The four primary entries that are in use (type ≠ 0 and a length). */
export function readMbrEntries(sector0: Uint8Array): MbrEntry[] {
  const buf = Buffer.from(sector0.buffer, sector0.byteOffset, sector0.length);
  const entries: MbrEntry[] = [];
  for (let i = 0; i < 4; i++) {
    const offset = BOOT_IMG.partStart + i * MBR_ENTRY_BYTES;
    const type = buf.readUInt8(offset + 4);
    const startLba = buf.readUInt32LE(offset + 8);
    const sectors = buf.readUInt32LE(offset + 12);
    if (type !== 0 && sectors !== 0) entries.push({ index: i + 1, type, startLba, sectors });
  }
  return entries;
}

export function isProtectiveMbr(entries: readonly MbrEntry[]): boolean {
  return entries.some((e) => e.type === MBR_TYPE_GPT_PROTECTIVE);
}

function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < bEnd && bStart < aEnd;
}

/** Throws unless sectors [startLba, startLba + sectors) touch no partition and no GPT structure. */
export function checkEmbeddingArea(mbr: readonly MbrEntry[], gpt: GptLayout | null, startLba: number, sectors: number): void {
  const end = startLba + sectors;
  const area = { startLba, sectors };
  if (mbr.length === 0) {
    throw new GrubBiosError('AREA_OVERLAPS_PARTITION', 'the MBR lists no partition: nothing to boot and no gap to embed into', area);
  }
  if (!gpt && isProtectiveMbr(mbr)) {
    throw new GrubBiosError('AREA_OVERLAPS_GPT', 'the MBR is protective (type 0xEE) but no valid GPT header was found at LBA 1', area);
  }
  for (const e of mbr) {
    if (e.type === MBR_TYPE_GPT_PROTECTIVE) continue;
    if (overlaps(startLba, end, e.startLba, e.startLba + e.sectors)) {
      throw new GrubBiosError(
        'AREA_OVERLAPS_PARTITION',
        `sectors ${startLba}–${end - 1} would overwrite MBR partition ${e.index} (LBA ${e.startLba}–${e.startLba + e.sectors - 1})`,
        { ...area, partition: e.index, partitionStartLba: e.startLba },
      );
    }
  }
  if (!gpt) return;
  if (overlaps(startLba, end, 1, 2) || overlaps(startLba, end, gpt.entriesLba, gpt.entriesLba + gpt.entriesSectors)) {
    throw new GrubBiosError(
      'AREA_OVERLAPS_GPT',
      `sectors ${startLba}–${end - 1} would overwrite the GPT header (LBA 1) or its entries (LBA ${gpt.entriesLba}–${gpt.entriesLba + gpt.entriesSectors - 1}); on GPT put core.img into a BIOS boot partition`,
      { ...area, entriesLba: gpt.entriesLba, entriesSectors: gpt.entriesSectors },
    );
  }
  for (const p of gpt.partitions) {
    if (!overlaps(startLba, end, p.firstLba, p.lastLba + 1)) continue;
    const inside = p.typeGuid === BIOS_BOOT_PARTITION_GUID && startLba >= p.firstLba && end <= p.lastLba + 1;
    if (!inside) {
      throw new GrubBiosError(
        'AREA_OVERLAPS_PARTITION',
        `sectors ${startLba}–${end - 1} would overwrite GPT partition ${p.index} (LBA ${p.firstLba}–${p.lastLba})`,
        { ...area, partition: p.index, partitionStartLba: p.firstLba },
      );
    }
  }
}
