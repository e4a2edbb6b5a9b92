// Whole sticks in memory for the usage reader's unit tests: an MBR, a FAT32 live partition made
// by our own FAT writer (the one `stickwright write` uses) holding whatever files a test gives,
// and optionally a small FAT (12 or 16, as mkfs.fat would choose) ESP with a GRUB menu.
import { planFat } from '../../fs/fat/fatLayout';
import { writeFatVolume } from '../../fs/fat/fatImageWriter';

export interface StickFile {
  readonly path: string;
  readonly bytes: Buffer;
}

export interface SyntheticStickOptions {
  readonly liveFiles: readonly StickFile[];
  readonly liveDirectories?: readonly string[];
  readonly espFiles?: readonly StickFile[];
  readonly label?: string;
  readonly volumeId?: number;
}

const MiB = 1024 * 1024;
const LIVE_START = MiB;
const LIVE_SIZE = 72 * MiB;
const ESP_SIZE = 8 * MiB;

async function fatImage(size: number, files: readonly StickFile[], directories: readonly string[], label: string, volumeId: number, hiddenSectors: number, fatType: 'FAT32' | undefined): Promise<Buffer> {
  const image = Buffer.alloc(size);
  const layout = planFat({ volumeSize: size, label, volumeId, hiddenSectors, fatType, directories: [...directories], files: files.map((f) => ({ path: f.path, size: f.bytes.length })) });
  const byPath = new Map(files.map((f) => [f.path, f.bytes]));
  await writeFatVolume(
    {
      write: (buffer, offset) => {
        buffer.copy(image, offset);
        return Promise.resolve();
      },
    },
    layout,
    (path) => [byPath.get(path) ?? Buffer.alloc(0)],
  );
  return image;
}

/** The stick: MBR, partition 1 FAT32 "live" at 1 MiB, partition 2 the ESP after it (if any files). */
export async function syntheticFatStick(options: SyntheticStickOptions): Promise<Buffer> {
  const label = options.label ?? 'LIVE';
  const volumeId = options.volumeId ?? 0x1234abcd;
  const espFiles = options.espFiles ?? [];
  const total = LIVE_START + LIVE_SIZE + (espFiles.length > 0 ? ESP_SIZE : 0);
  const stick = Buffer.alloc(total);
  (await fatImage(LIVE_SIZE, options.liveFiles, options.liveDirectories ?? [], label, volumeId, LIVE_START / 512, 'FAT32')).copy(stick, LIVE_START);
  const entries: Array<{ type: number; start: number; size: number; boot: boolean }> = [{ type: 0x0c, start: LIVE_START, size: LIVE_SIZE, boot: true }];
  if (espFiles.length > 0) {
    const espStart = LIVE_START + LIVE_SIZE;
    (await fatImage(ESP_SIZE, espFiles, [], 'ESP', 0x0e5f0001, espStart / 512, undefined)).copy(stick, espStart);
    entries.push({ type: 0xef, start: espStart, size: ESP_SIZE, boot: false });
  }
  entries.forEach((entry, i) => {
    const at = 446 + i * 16;
    stick.writeUInt8(entry.boot ? 0x80 : 0, at);
    stick.writeUInt8(entry.type, at + 4);
    stick.writeUInt32LE(entry.start / 512, at + 8);
    stick.writeUInt32LE(entry.size / 512, at + 12);
  });
  stick.writeUInt16LE(0xaa55, 510);
  return stick;
}

/** A GRUB menu like the ones `stickwright write` makes, one entry per (title, rd.live.dir). */
export function grubMenu(uuid: string, entries: ReadonlyArray<{ title: string; dir: string | null; extra?: string }>): Buffer {
  const lines = ['set default="0"', `search --no-floppy --fs-uuid --set=root ${uuid}`];
  for (const entry of entries) {
    lines.push(`menuentry '${entry.title}' {`);
    lines.push(`\tlinux /images/pxeboot/vmlinuz root=live:UUID=${uuid} rd.live.image rw${entry.dir ? ` rd.live.dir=${entry.dir}` : ''} rd.live.overlay=UUID=${uuid}${entry.extra ? ` ${entry.extra}` : ''}`);
    lines.push('\tinitrd /images/pxeboot/initrd.img');
    lines.push('}');
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}
