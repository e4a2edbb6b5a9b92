// Serial-console text of a fixture boot: cleaning (CR, ANSI escapes) and the SW-REPORT lines the
// fixtures' /sbin/init prints (e2e/fixtures/lib/sw-init.sh; grammar in e2e/qemu/README.md).

/** One `SW-REPORT <key> <name>=<value> …` line, values already %-decoded. */
export interface ReportLine {
  key: string;
  fields: Record<string, string>;
  /** The line from `SW-REPORT` on, as printed (values still encoded). */
  raw: string;
}

export interface MountReport {
  target: string;
  present: boolean;
  source?: string;
  fstype?: string;
  options?: string[];
}

export type OverlayMode = 'dm-snapshot' | 'overlayfs' | 'linear' | 'dm-thin' | 'unknown';
export type HomeState = 'mounted' | 'absent' | 'disabled' | 'encrypted-locked' | 'failed';

/** Sectors (512 B) of a dm-snapshot's status line `<allocated>/<total> <metadata>`. */
export interface SnapshotUsage {
  allocated: number;
  total: number;
  metadata: number;
}

export interface DmReport {
  name: string;
  /** `active`: `dmsetup status` answered; `none`: no such device (OverlayFS mode, dm not loaded). */
  state: 'active' | 'none';
  target?: string;
  start?: number;
  length?: number;
  /** The kernel's status line exactly as `dmsetup status` printed it. */
  status?: string;
  /** Numeric snapshot figures, when the status has them. */
  snapshot?: SnapshotUsage;
  /** A word instead of numbers: `Invalid`, `Overflow`, `Merge failed`, `Unknown`. */
  snapshotState?: string;
  reason?: string;
}

export interface BootReport {
  /** Every SW-REPORT line in order. */
  lines: ReportLine[];
  version?: number;
  kernel?: string;
  cmdline?: string;
  /** `/var/lib/sw-boot-count` after this boot's increment: 1 on a fresh stick. */
  bootCount?: number;
  /** By mount point: `/`, `/run/initramfs/live`, `/home`. */
  mounts: Record<string, MountReport>;
  live?: { dev: string; resolved: string };
  overlay?: { mode: OverlayMode; table?: string; upper?: string; error?: string };
  home?: {
    state: HomeState;
    source?: string;
    dev?: string;
    fstype?: string;
    reason?: string;
    remountedLive?: boolean;
    /** home.img was LUKS and the init unlocked it with the test passphrase. */
    encrypted?: boolean;
  };
  /** `/home/sw-home-count` after this boot's increment, when /home was mounted. */
  homeBootCount?: number;
  /** `/var/lib/sw-data-*` files found before this boot wrote its own. */
  persisted: { name: string; bytes: number }[];
  written?: { path: string; bytes: number; ok: boolean };
  homeUnmounted?: boolean;
  /** `/` was remounted read-only before the dm figure was taken. */
  rootReadOnly?: boolean;
  dm?: DmReport;
  done: boolean;
  /** Lines that did not follow the grammar (kept so a test can show them). */
  malformed: string[];
}

const MARK = 'SW-REPORT ';

// CSI (ESC [ params intermediates final), OSC (ESC ] … BEL/ST), charset selection (ESC ( B),
// then any other ESC + one character (ESC 7, ESC =, …).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()*+][0-~]|\x1b[^[\]]/g;
// Remaining C0 controls except TAB and LF (CR goes too: the tty sends CRLF, GRUB redraws with CR).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** Serial text without CR, ANSI escape sequences and other control characters. */
export function cleanSerial(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '');
}

/**
 * The kernel console line sw-init.sh writes before power-off to re-arm a stalled serial
 * transmitter. It can land in the middle of a line the tty had not finished sending; removing it
 * (with its timestamp and CR LF) joins that line up again.
 */
const KICK = /(?:\[\s*\d+\.\d+\] )?SW-KICK\r*\n/g;

function withoutKicks(text: string): string {
  return text.includes('SW-KICK') ? text.replace(KICK, '') : text;
}

/**
 * Incremental cleaner for a byte stream: decodes UTF-8 across chunk boundaries and cleans whole
 * lines only, so an escape sequence split between two chunks is still removed.
 */
export class SerialCleaner {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';

  /** Feed bytes; returns the complete cleaned lines (each ending in "\n"). */
  push(chunk: Uint8Array): string {
    this.pending = withoutKicks(this.pending + this.decoder.decode(chunk, { stream: true }));
    const cut = this.pending.lastIndexOf('\n');
    if (cut < 0) return '';
    const complete = this.pending.slice(0, cut + 1);
    this.pending = this.pending.slice(cut + 1);
    return cleanSerial(complete);
  }

  /** The cleaned rest after the stream ended. */
  end(): string {
    this.pending = withoutKicks(this.pending + this.decoder.decode());
    const rest = cleanSerial(this.pending);
    this.pending = '';
    return rest.length > 0 && !rest.endsWith('\n') ? `${rest}\n` : rest;
  }
}

function decodeValue(v: string): string {
  return v.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const KEY = /^[a-z][a-z0-9-]*$/;
const NAME = /^[a-z][a-z0-9_.-]*$/;

/** Parse one line; null if it holds no well-formed SW-REPORT. */
export function parseReportLine(line: string): ReportLine | null {
  const at = line.indexOf(MARK);
  if (at < 0) return null;
  const raw = line.slice(at).trimEnd();
  const [key, ...tokens] = raw.slice(MARK.length).trim().split(/\s+/);
  if (key === undefined || !KEY.test(key)) return null;
  const fields: Record<string, string> = {};
  for (const token of tokens) {
    const eq = token.indexOf('=');
    const name = eq < 0 ? token : token.slice(0, eq);
    if (!NAME.test(name)) return null;
    fields[name] = eq < 0 ? '' : decodeValue(token.slice(eq + 1));
  }
  return { key, fields, raw };
}

function int(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** `<allocated>/<total> <metadata>` (dm-snapshot `snapshot_status`), else the status word. */
export function parseSnapshotStatus(rest: string): { usage?: SnapshotUsage; word?: string } {
  const m = /^(\d+)\/(\d+) (\d+)$/.exec(rest.trim());
  if (m) return { usage: { allocated: Number(m[1]), total: Number(m[2]), metadata: Number(m[3]) } };
  return { word: rest.trim() };
}

/** Everything the fixture init reported in `text` (a serial log, cleaned or not). */
export function parseReport(text: string): BootReport {
  const report: BootReport = { lines: [], mounts: {}, persisted: [], done: false, malformed: [] };
  for (const rawLine of cleanSerial(text.replace(/\r/g, '')).split('\n')) {
    if (!rawLine.includes(MARK)) continue;
    const line = parseReportLine(rawLine);
    if (!line) {
      report.malformed.push(rawLine.slice(rawLine.indexOf(MARK)));
      continue;
    }
    report.lines.push(line);
    const f = line.fields;
    switch (line.key) {
      case 'start':
        report.version = int(f.version);
        report.kernel = f.kernel;
        report.cmdline = f.cmdline;
        break;
      case 'boot':
        report.bootCount = int(f.n);
        break;
      case 'mount': {
        if (f.target === undefined) break;
        const m: MountReport = { target: f.target, present: f.present === '1' };
        if (m.present) {
          m.source = f.source;
          m.fstype = f.fstype;
          m.options = f.options === undefined ? [] : f.options.split(',');
        }
        report.mounts[f.target] = m;
        break;
      }
      case 'live':
        report.live = { dev: f.dev ?? '', resolved: f.resolved ?? '' };
        break;
      case 'overlay':
        report.overlay = {
          mode: (f.mode ?? 'unknown') as OverlayMode,
          ...(f.table !== undefined && { table: f.table }),
          ...(f.upper !== undefined && { upper: f.upper }),
          ...(f.error !== undefined && { error: f.error }),
        };
        break;
      case 'home':
        report.home = {
          state: (f.state ?? 'failed') as HomeState,
          ...(f.source !== undefined && { source: f.source }),
          ...(f.dev !== undefined && { dev: f.dev }),
          ...(f.fstype !== undefined && { fstype: f.fstype }),
          ...(f.reason !== undefined && { reason: f.reason }),
          ...(f['remounted-live'] !== undefined && { remountedLive: f['remounted-live'] === '1' }),
          ...(f.encrypted !== undefined && { encrypted: f.encrypted === '1' }),
        };
        break;
      case 'home-boot':
        report.homeBootCount = int(f.n);
        break;
      case 'persisted':
        report.persisted =
          f.files === undefined || f.files === 'none'
            ? []
            : f.files.split(',').map((entry) => {
                const [name = '', bytes = ''] = entry.split(':');
                return { name, bytes: Number(bytes) };
              });
        break;
      case 'write':
        report.written = { path: f.path ?? '', bytes: int(f.bytes) ?? 0, ok: f.ok === '1' };
        break;
      case 'home-umount':
        report.homeUnmounted = f.ok === '1';
        break;
      case 'remount':
        if (f.target === '/') report.rootReadOnly = f.ro === '1';
        break;
      case 'dm': {
        const dm: DmReport = { name: f.name ?? '', state: f.state === 'active' ? 'active' : 'none' };
        if (dm.state === 'active') {
          dm.target = f.target;
          dm.start = int(f.start);
          dm.length = int(f.length);
          dm.status = f.status;
          if (dm.target === 'snapshot' && dm.status !== undefined) {
            // "<start> <length> snapshot <rest>"
            const rest = dm.status.trim().split(/\s+/).slice(3).join(' ');
            const parsed = parseSnapshotStatus(rest);
            if (parsed.usage) dm.snapshot = parsed.usage;
            else dm.snapshotState = parsed.word;
          }
        } else if (f.reason !== undefined) {
          dm.reason = f.reason;
        }
        report.dm = dm;
        break;
      }
      case 'done':
        report.done = true;
        break;
      default:
        break; // unknown keys stay available in `lines`
    }
  }
  return report;
}
