// The live partition as ext4, made without mounting: mke2fs fills it from a staged directory
// tree (`-d`), then debugfs allocates the overlay and home files' holes as unwritten extents, so
// they own their space on the stick without a byte of zeros written (reads return zeros, which
// is what a fresh dm-snapshot overlay needs: livecd-spec.md §3.1).
import { runTool } from '../../system/runTool';

export interface Ext4Options {
  readonly label: string;
  readonly uuid: string;
  /** Files (paths inside the fs) whose whole size must be allocated. */
  readonly allocate: ReadonlyArray<{ readonly path: string; readonly size: number }>;
  readonly signal?: AbortSignal;
}

export async function buildExt4(device: string, stagedTree: string, options: Ext4Options): Promise<void> {
  // -m 0: a stick is not a system disk, root needs no reserve. nodiscard: the device was just
  // wiped where it matters, and discarding a whole USB stick can take minutes.
  await runTool(
    'mke2fs',
    ['-t', 'ext4', '-F', '-q', '-m', '0', '-L', options.label, '-U', options.uuid, '-E', 'nodiscard,root_owner=0:0', '-d', stagedTree, device],
    { what: 'making and filling the ext4 filesystem', signal: options.signal },
  );
  if (options.allocate.length === 0) return;
  const commands = options.allocate.map((file) => `fallocate ${debugfsQuote(file.path)} 0 ${Math.ceil(file.size / 4096) - 1}`).join('\n');
  await runTool('debugfs', ['-w', '-f', '-', device], { input: `${commands}\n`, what: 'allocating the overlay and home files', signal: options.signal });
}

/** debugfs takes double-quoted arguments; our paths have no quotes or newlines (planner labels). */
function debugfsQuote(path: string): string {
  if (/["\n\\]/.test(path)) throw new Error(`unexpected character in ${path}`);
  return `"${path}"`;
}
