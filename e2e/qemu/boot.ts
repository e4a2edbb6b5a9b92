// Boot a disk image or ISO in QEMU (TCG: this machine has no usable KVM) and collect what the
// fixture's /sbin/init reports on the serial console. Node built-ins only.
//
//   const r = await bootImage({ image, firmware: 'uefi', medium: 'usb' });
//   r.report.bootCount, r.report.dm?.snapshot, r.logPath …
//
// The kernel command line is whatever the medium's GRUB config says; there is deliberately no
// way to pass extra kernel arguments (a stick must boot as written).
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseReport, SerialCleaner, type BootReport } from './report';

export type Firmware = 'bios' | 'uefi';
/** How the medium is attached: virtio disk (fastest), USB stick (qemu-xhci + usb-storage) or CD. */
export type Medium = 'virtio' | 'usb' | 'cdrom';

export interface BootOptions {
  /** Raw disk image or ISO. */
  image: string;
  firmware: Firmware;
  medium: Medium;
  /** Open the image read-only (always so for `cdrom`). Default false: a stick is written to. */
  readOnly?: boolean;
  /** Hard limit for the whole run; QEMU is killed after it. Default 240 s. */
  timeoutMs?: number;
  /** Guest RAM. Default 1024 MiB. */
  memoryMiB?: number;
  /** Directory for the serial log. Default `$STICKWRIGHT_ARTIFACTS/qemu`, else `<tmp>/stickwright-qemu`. */
  logDir?: string;
  /** Stem of the log file name. Default: the image's file name. */
  name?: string;
  /** Reject when QEMU ends without `SW-REPORT done`. Default true. */
  requireDone?: boolean;
  /** Stop at once on a known fatal console line (kernel panic, dracut FATAL, GRUB giving up…). Default true. */
  failFast?: boolean;
}

export interface BootTimings {
  /** Spawn to QEMU's exit. */
  totalMs: number;
  /** Spawn to the kernel's first line ("Linux version"). */
  kernelMs?: number;
  /** Spawn to `SW-REPORT start` (the live root's init is running). */
  initMs?: number;
  /** Spawn to `SW-REPORT done`. */
  doneMs?: number;
}

export interface BootResult {
  report: BootReport;
  /** The cleaned serial log (no CR, no ANSI escapes). */
  logPath: string;
  log: string;
  timings: BootTimings;
  exitCode: number | null;
  argv: string[];
}

export type BootFailure = 'timeout' | 'fatal' | 'no-done' | 'qemu-failed';

export class BootError extends Error {
  constructor(
    readonly reason: BootFailure,
    message: string,
    readonly logPath: string,
    readonly tail: string[],
    readonly report: BootReport,
  ) {
    super(`${message}\nserial log: ${logPath}\n--- last ${tail.length} lines ---\n${tail.join('\n')}`);
    this.name = 'BootError';
  }
}

const QEMU = 'qemu-system-x86_64';
const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
const TAIL_LINES = 40;
/** After `done` the guest powers off by itself; give it this long before killing QEMU. */
const AFTER_DONE_MS = 20_000;
/** After a fatal line, keep reading this long so the log shows what followed. */
const FATAL_GRACE_MS = 3_000;

const FATAL_PATTERNS: RegExp[] = [
  /Kernel panic - not syncing/,
  /dracut: FATAL:/,
  /dracut: Refusing to continue/,
  /Failed to boot both default and fallback entries/,
  /Failed to mount sysroot\.mount/,
  /Entering emergency mode/,
  /You are in emergency mode/,
  /reboot: System halted/,
];

// Process groups of running QEMUs (each under `timeout`), killed if this process goes away.
const running = new Set<number>();
let exitHooksInstalled = false;

/** How many QEMU runs of this process are still alive (0 once every bootImage has settled). */
export function activeBoots(): number {
  return running.size;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const pid of running) killGroup(pid);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      for (const pid of running) killGroup(pid);
      process.removeListener(sig, onSignal);
      // Without other listeners, re-raise so the default action (terminate) still happens.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

let logCounter = 0;

function mediumArgs(image: string, medium: Medium, readOnly: boolean): string[] {
  const ro = readOnly ? ',readonly=on' : '';
  switch (medium) {
    case 'virtio':
      return ['-drive', `if=none,id=boot0,file=${image},format=raw${ro}`, '-device', 'virtio-blk-pci,drive=boot0,bootindex=1'];
    case 'usb':
      return [
        '-device', 'qemu-xhci,id=xhci',
        '-drive', `if=none,id=boot0,file=${image},format=raw${ro}`,
        '-device', 'usb-storage,bus=xhci.0,drive=boot0,removable=on,bootindex=1',
      ];
    case 'cdrom':
      // q35's AHCI; bus ide.2 is where QEMU's default (empty) CD drive would go.
      return [
        '-drive', `if=none,id=boot0,file=${image},format=raw,media=cdrom,readonly=on`,
        '-device', 'ide-cd,drive=boot0,bus=ide.2,bootindex=1',
      ];
  }
}

/**
 * QEMU's argv for a boot (without the `timeout` wrapper); exported for tests and debugging.
 * `serialFile`: the guest's serial console goes to this file instead of stdout (bootImage).
 */
export function qemuArgs(opts: BootOptions, varsFile?: string, serialFile?: string): string[] {
  const args = [
    '-accel', 'tcg',
    '-machine', 'q35',
    '-m', String(opts.memoryMiB ?? 1024),
    '-smp', '1',
    '-display', 'none',
    '-serial', serialFile ? `file:${serialFile}` : 'stdio',
    '-nic', 'none',
    '-no-reboot',
    '-monitor', 'none',
  ];
  if (opts.firmware === 'uefi') {
    if (!varsFile) throw new Error('qemuArgs: UEFI needs a writable OVMF_VARS copy');
    args.push(
      '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`,
      '-drive', `if=pflash,format=raw,unit=1,file=${varsFile}`,
    );
  }
  args.push(...mediumArgs(opts.image, opts.medium, opts.readOnly === true || opts.medium === 'cdrom'));
  return args;
}

/** Boot `opts.image` and resolve with the parsed SW-REPORT once QEMU has exited. */
export async function bootImage(opts: BootOptions): Promise<BootResult> {
  const timeoutMs = opts.timeoutMs ?? 240_000;
  const requireDone = opts.requireDone ?? true;
  const failFast = opts.failFast ?? true;
  if (!existsSync(opts.image) || !statSync(opts.image).isFile()) {
    throw new Error(`bootImage: no image file at ${opts.image}`);
  }
  if (opts.image.includes(',')) throw new Error(`bootImage: QEMU cannot take a path with ',': ${opts.image}`);

  const logDir =
    opts.logDir ??
    (process.env.STICKWRIGHT_ARTIFACTS ? path.join(process.env.STICKWRIGHT_ARTIFACTS, 'qemu') : path.join(tmpdir(), 'stickwright-qemu'));
  mkdirSync(logDir, { recursive: true });
  const stem = (opts.name ?? path.basename(opts.image)).replace(/[^A-Za-z0-9._-]/g, '_');
  const logPath = path.join(logDir, `${stem}-${opts.firmware}-${opts.medium}-${process.pid}-${++logCounter}.log`);

  // A fresh writable copy of the UEFI variable store per boot, removed afterwards.
  let varsDir: string | undefined;
  let varsFile: string | undefined;
  if (opts.firmware === 'uefi') {
    for (const f of [OVMF_CODE, OVMF_VARS]) {
      if (!existsSync(f)) throw new Error(`bootImage: ${f} missing (Debian package ovmf)`);
    }
    varsDir = mkdtempSync(path.join(tmpdir(), 'sw-ovmf-'));
    varsFile = path.join(varsDir, 'OVMF_VARS_4M.fd');
    copyFileSync(OVMF_VARS, varsFile);
  }

  // The serial console goes to a file, not to a pipe this process must drain: QEMU writes it one
  // byte at a time, so a socket buffer holds only a few hundred bytes of it, and whenever this
  // process was busy (a sibling test's spawnSync) QEMU got EAGAIN, the guest's UART stalled, and
  // a guest that then powered off took the rest of its report with it (QEMU exit 0, mid-line).
  const serialFile = `${logPath}.serial`;
  if (serialFile.includes(',')) throw new Error(`bootImage: QEMU cannot take a path with ',': ${serialFile}`);
  writeFileSync(serialFile, '');
  const serialFd = openSync(serialFile, 'r');
  const qemu = qemuArgs(opts, varsFile, serialFile);
  // `timeout` is the backstop should this process die without running its exit hooks (SIGKILL).
  const backstopS = Math.ceil(timeoutMs / 1000) + 30;
  const argv = ['timeout', '--kill-after=10', String(backstopS), QEMU, ...qemu];

  installExitHooks();
  const started = Date.now();
  const log = createWriteStream(logPath);
  log.write(`# ${argv.join(' ')}\n`);
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid !== undefined) running.add(child.pid);

  const cleaner = new SerialCleaner();
  let text = '';
  let stderr = '';
  const timings: Partial<BootTimings> = {};
  let failure: { reason: BootFailure; message: string } | undefined;
  let fatalTimer: NodeJS.Timeout | undefined;
  let doneTimer: NodeJS.Timeout | undefined;

  const kill = () => {
    if (child.pid !== undefined) killGroup(child.pid);
  };

  let lastMark = 0;
  const onLines = (lines: string) => {
    if (!lines) return;
    text += lines;
    const now = Date.now() - started;
    // Time marks in the log (not in `text`): when a guest stops mid-boot, the log says when.
    if (now - lastMark >= 2000) {
      log.write(`# +${now} ms\n`);
      lastMark = now;
    }
    log.write(lines);
    if (timings.kernelMs === undefined && /Linux version \d/.test(lines)) timings.kernelMs = now;
    if (timings.initMs === undefined && lines.includes('SW-REPORT start')) timings.initMs = now;
    if (timings.doneMs === undefined && /SW-REPORT done\b/.test(lines)) {
      timings.doneMs = now;
      doneTimer = setTimeout(kill, AFTER_DONE_MS);
    }
    if (failFast && !failure) {
      const hit = FATAL_PATTERNS.find((re) => re.test(lines));
      if (hit) {
        const line = lines.split('\n').find((l) => hit.test(l)) ?? hit.source;
        failure = { reason: 'fatal', message: `boot failed: "${line.trim()}"` };
        fatalTimer = setTimeout(kill, FATAL_GRACE_MS);
      }
    }
  };

  const chunk = Buffer.alloc(1 << 16);
  let serialAt = 0;
  const drainSerial = () => {
    for (;;) {
      const got = readSync(serialFd, chunk, 0, chunk.length, serialAt);
      if (got === 0) return;
      serialAt += got;
      onLines(cleaner.push(chunk.subarray(0, got)));
    }
  };
  const serialPoll = setInterval(drainSerial, 100);
  // QEMU's own stdout (monitor none, display none): anything there is logged as is.
  child.stdout.on('data', (data: Buffer) => {
    stderr += data.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const hardTimer = setTimeout(() => {
    if (!failure) failure = { reason: 'timeout', message: `boot timed out after ${Math.round(timeoutMs / 1000)} s` };
    kill();
  }, timeoutMs);

  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    clearInterval(serialPoll);
    drainSerial();
    onLines(cleaner.end());
    const totalMs = Date.now() - started;
    if (stderr) log.write(`# qemu stderr:\n${stderr}`);
    log.write(`# exit ${exitCode} after ${totalMs} ms\n`);
    await new Promise<void>((resolve) => log.end(resolve));

    const report = parseReport(text);
    const tail = () => {
      const lines = text.trimEnd().split('\n');
      if (stderr) lines.push(...stderr.trimEnd().split('\n').map((l) => `qemu: ${l}`));
      return lines.slice(-TAIL_LINES);
    };
    if (failure && !(failure.reason === 'fatal' && report.done)) {
      throw new BootError(failure.reason, failure.message, logPath, tail(), report);
    }
    if (!report.done) {
      if (exitCode !== 0 && stderr) {
        throw new BootError('qemu-failed', `QEMU exited with ${exitCode}`, logPath, tail(), report);
      }
      if (requireDone) {
        throw new BootError('no-done', `QEMU exited (${exitCode}) before the guest reported "done"`, logPath, tail(), report);
      }
    }
    return { report, logPath, log: text, timings: { ...timings, totalMs }, exitCode, argv };
  } finally {
    clearTimeout(hardTimer);
    if (fatalTimer) clearTimeout(fatalTimer);
    if (doneTimer) clearTimeout(doneTimer);
    // 'close' means `timeout` has exited, and it only exits after QEMU (or both were killed).
    if (child.pid !== undefined) running.delete(child.pid);
    if (varsDir) rmSync(varsDir, { recursive: true, force: true });
    clearInterval(serialPoll);
    closeSync(serialFd);
    // The cleaned log is kept; the raw console bytes (escape sequences and all) are not.
    rmSync(serialFile, { force: true });
  }
}
