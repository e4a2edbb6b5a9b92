// Every external program the engine uses runs through here: execa with an argv array (never a
// shell), a bounded capture of its output, and failures turned into error codes a person can
// act on — a missing program names the Debian package that has it.
import { execa } from 'execa';
import { StickwrightError, type ErrorCode } from '../../../shared/errors';

/** Debian package of each program we call, for TOOL_MISSING. */
const PACKAGE_OF: Readonly<Record<string, string>> = {
  'mkfs.ext4': 'e2fsprogs',
  mke2fs: 'e2fsprogs',
  debugfs: 'e2fsprogs',
  e2fsck: 'e2fsprogs',
  'mkfs.f2fs': 'f2fs-tools',
  'sload.f2fs': 'f2fs-tools',
  'fsck.f2fs': 'f2fs-tools',
  'fsck.fat': 'dosfstools',
  'mkfs.fat': 'dosfstools',
  'mkfs.exfat': 'exfatprogs',
  'fsck.exfat': 'exfatprogs',
  xz: 'xz-utils',
  losetup: 'mount',
  'grub-mkimage': 'grub-common',
  blockdev: 'util-linux',
  cryptsetup: 'cryptsetup-bin',
};

export interface ToolOptions {
  readonly input?: string;
  readonly signal?: AbortSignal;
  /** Error code when the program exits non-zero (default WRITE_FAILED). */
  readonly failCode?: ErrorCode;
  /** What the step was, for the message: "making the ext4 filesystem". */
  readonly what: string;
}

export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
}

export async function runTool(program: string, args: readonly string[], options: ToolOptions): Promise<ToolResult> {
  const result = await execa(program, [...args], {
    input: options.input,
    reject: false,
    stripFinalNewline: true,
    maxBuffer: 8 * 1024 * 1024,
    cancelSignal: options.signal,
    // A clean, predictable environment: tools must not read the caller's locale or options.
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', MTOOLS_SKIP_CHECK: '1' },
    extendEnv: false,
  });
  // A tool killed by the same Ctrl-C that aborted us (the whole process group gets it) failed
  // because the user asked to stop: that is a cancel, not a tool failure.
  if (result.isCanceled || (result.failed && options.signal?.aborted)) throw new StickwrightError('CANCELLED', options.what);
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT' || (result.failed && result.exitCode === undefined && /ENOENT/.test(String(result.message ?? "")))) {
    const pkg = PACKAGE_OF[program];
    throw new StickwrightError('TOOL_MISSING', `${program}${pkg ? ` (Debian package ${pkg})` : ''}, needed for ${options.what}`, {
      program,
      package: pkg ?? null,
    });
  }
  if (result.failed) {
    const tail = `${result.stderr || result.stdout}`.trim().split('\n').slice(-3).join(' | ');
    throw new StickwrightError(options.failCode ?? 'WRITE_FAILED', `${options.what}: ${program} exited with ${result.exitCode ?? result.signal}${tail ? `: ${tail}` : ''}`, {
      program,
      exitCode: result.exitCode ?? null,
    });
  }
  return { stdout: String(result.stdout), stderr: String(result.stderr) };
}
