// The live partition as F2FS, made without mounting: mkfs.f2fs, then sload.f2fs copies a staged
// directory tree in (environment-notes.md). sload writes every block of a file, holes included,
// so on F2FS the overlay and home files are written out in full — the offline tools have no way
// to allocate without writing (docs/PERFORMANCE.md has the cost).
import { runTool } from '../../system/runTool';

export interface F2fsOptions {
  readonly label: string;
  readonly uuid: string;
  readonly signal?: AbortSignal;
}

export async function buildF2fs(device: string, stagedTree: string, options: F2fsOptions): Promise<void> {
  // Default features only: GRUB's f2fs reader refuses extra_attr/compression (livecd-spec.md §1.11).
  await runTool('mkfs.f2fs', ['-f', '-q', '-l', options.label, '-U', options.uuid, device], { what: 'making the F2FS filesystem', signal: options.signal });
  await runTool('sload.f2fs', ['-f', stagedTree, '-t', '/', device], { what: 'filling the F2FS filesystem', signal: options.signal });
}
