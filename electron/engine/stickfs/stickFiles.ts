// Offline changes to files on a stick's filesystem, without mounting it: ext4 through debugfs -w
// on a loop device over the partition (a pending journal preened first with e2fsck -p, as
// growOverlay does), vfat through mtools on the stick at the partition's byte offset
// (`-i stick@@offset`). Used by the multi-image verbs to add and remove an image's files and to
// rewrite boot menus; nothing else on the filesystem is touched.
//
// F2FS has no offline editor that can remove files (sload.f2fs only adds), so it is refused by
// the callers before anything is changed.
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StickwrightError } from '../../../shared/errors';
import { withLoop } from '../disk/loopDevice';
import { runTool } from '../system/runTool';

export interface StickFileOps {
  readonly kind: 'ext4' | 'vfat';
  mkdir(path: string): Promise<void>;
  /** A new file with the bytes of the local file `from` (replaced if it exists). */
  putFile(path: string, from: string): Promise<void>;
  /** A new file with these bytes (replaced if it exists). */
  putBytes(path: string, bytes: Buffer | string): Promise<void>;
  /**
   * A new file of `size` bytes that reads as zeros and owns its space (a dm-snapshot overlay):
   * ext4 unwritten extents; on vfat the zeros are written.
   */
  putZeros(path: string, size: number): Promise<void>;
  /** A filesystem image from a (sparse) local file; its holes must read as zeros and own their space. */
  putImage(path: string, from: string): Promise<void>;
  /** Removes a file, or a directory with everything below it. */
  remove(path: string): Promise<void>;
  /** A local scratch directory, removed afterwards. */
  readonly scratch: string;
}

export interface LiveLocation {
  readonly fs: 'ext4' | 'vfat' | 'f2fs';
  readonly start: number;
  readonly size: number;
}

/** Runs `body` with file operations on the filesystem at `at` of `stick`; checks it afterwards. */
export async function withStickFiles<T>(stick: string, at: LiveLocation, body: (ops: StickFileOps) => Promise<T>): Promise<T> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'sw-stickfs-'));
  try {
    if (at.fs === 'ext4') {
      return await withLoop(stick, at.start, at.size, async (device) => {
        await preen(device);
        const result = await body(ext4Ops(device, scratch));
        await runTool('e2fsck', ['-f', '-n', device], { what: 'checking the ext4 filesystem after the change', failCode: 'VERIFY_FAILED' });
        return result;
      });
    }
    if (at.fs === 'vfat') {
      const result = await body(vfatOps(`${stick}@@${at.start}`, scratch));
      return result;
    }
    throw new StickwrightError('MULTI_NOT_POSSIBLE', 'the stick\'s live filesystem is F2FS: files cannot be removed from it offline (sload.f2fs only adds), so Stickwright does not change it');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** e2fsck -p: exit 0 (clean) or 1 (fixed, e.g. the journal replayed) is fine; more is not. */
async function preen(device: string): Promise<void> {
  try {
    await runTool('e2fsck', ['-p', device], { what: 'replaying the ext4 journal before changing the filesystem', failCode: 'VERIFY_FAILED' });
  } catch (error) {
    if (error instanceof StickwrightError && error.data.exitCode === 1) return;
    throw error;
  }
}

function checkPath(p: string): string {
  if (!p.startsWith('/') || /["\n\\]/.test(p) || p.split('/').some((s) => s === '..')) throw new Error(`unexpected path ${p}`);
  return p;
}

/** debugfs exits 0 whatever its commands did: its errors are the lines on stderr. */
async function debugfs(device: string, commands: readonly string[], what: string): Promise<string> {
  const { stdout, stderr } = await runTool('debugfs', ['-w', '-f', '-', device], { input: `${commands.join('\n')}\n`, what });
  const errors = stderr.split('\n').filter((l) => l.trim() && !/^debugfs \d/.test(l));
  if (errors.length > 0) throw new StickwrightError('WRITE_FAILED', `${what}: debugfs: ${errors.slice(0, 3).join(' | ')}`, { program: 'debugfs' });
  return stdout;
}

/**
 * The entries of debugfs's `ls -p`: one `/inode/mode/uid/gid/name/size/` line each, the mode in
 * octal with its file type ("040755" for a directory, as debugfs 1.47 prints it), without . and ..
 */
export function parseDebugfsListing(stdout: string): Array<{ name: string; isDirectory: boolean }> {
  const entries: Array<{ name: string; isDirectory: boolean }> = [];
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split('/');
    const name = fields[5];
    const mode = Number.parseInt(fields[2] ?? '', 8);
    if (!name || name === '.' || name === '..' || Number.isNaN(mode)) continue;
    // S_IFMT / S_IFDIR (sys/stat.h).
    entries.push({ name, isDirectory: (mode & 0o170000) === 0o040000 });
  }
  return entries;
}

function ext4Ops(device: string, scratch: string): StickFileOps {
  const q = (p: string) => `"${checkPath(p)}"`;
  let counter = 0;
  const empty = path.join(scratch, 'empty');
  const exists = async (p: string): Promise<'file' | 'dir' | null> => {
    const out = await runTool('debugfs', ['-R', `stat ${q(p)}`, device], { what: `looking up ${p}` });
    const type = /Type: (\w+)/.exec(out.stdout)?.[1];
    return type === 'directory' ? 'dir' : type ? 'file' : null;
  };
  const put = async (p: string, from: string, extra: string[] = []) => {
    const commands = (await exists(p)) === 'file' ? [`rm ${q(p)}`] : [];
    await debugfs(device, [...commands, `write ${q(from)} ${q(p)}`, ...extra], `writing ${p}`);
  };
  const ops: StickFileOps = {
    kind: 'ext4',
    scratch,
    async mkdir(p) {
      if ((await exists(p)) === 'dir') return;
      await debugfs(device, [`mkdir ${q(p)}`], `making ${p}`);
    },
    putFile: (p, from) => put(p, from),
    async putBytes(p, bytes) {
      const local = path.join(scratch, `bytes-${(counter += 1)}`);
      await writeFile(local, bytes);
      await put(p, local);
    },
    async putZeros(p, size) {
      await writeFile(empty, '');
      // The size first: fallocate inside the file's size makes unwritten extents (zeros).
      await put(p, empty, [`sif ${q(p)} size ${size}`, `fallocate ${q(p)} 0 ${Math.ceil(size / 4096) - 1}`]);
    },
    async putImage(p, from) {
      const size = (await open(from, 'r').then(async (h) => {
        try {
          return (await h.stat()).size;
        } finally {
          await h.close();
        }
      }));
      // debugfs writes only the blocks holding data; fallocate gives the holes unwritten extents.
      await put(p, from, [`fallocate ${q(p)} 0 ${Math.ceil(size / 4096) - 1}`]);
    },
    async remove(p) {
      const kind = await exists(p);
      if (!kind) return;
      if (kind === 'file') {
        await debugfs(device, [`rm ${q(p)}`], `removing ${p}`);
        return;
      }
      // Depth first: debugfs's rmdir takes empty directories only.
      const { stdout } = await runTool('debugfs', ['-R', `ls -p ${q(p)}`, device], { what: `listing ${p}` });
      for (const entry of parseDebugfsListing(stdout)) {
        const child = `${p}/${entry.name}`;
        if (entry.isDirectory) await ops.remove(child);
        else await debugfs(device, [`rm ${q(child)}`], `removing ${child}`);
      }
      await debugfs(device, [`rmdir ${q(p)}`], `removing ${p}`);
    },
  };
  return ops;
}

function vfatOps(image: string, scratch: string): StickFileOps {
  let counter = 0;
  const mtools = (program: string, args: string[], what: string) => runTool(program, ['-i', image, ...args], { what });
  const at = (p: string) => `::${checkPath(p)}`;
  const ops: StickFileOps = {
    kind: 'vfat',
    scratch,
    async mkdir(p) {
      const dir = await mtools('mdir', ['-b', at(p)], `looking up ${p}`).then(() => true, () => false);
      if (!dir) await mtools('mmd', [at(p)], `making ${p}`);
    },
    async putFile(p, from) {
      await mtools('mcopy', ['-o', '-n', from, at(p)], `writing ${p}`);
    },
    async putBytes(p, bytes) {
      const local = path.join(scratch, `bytes-${(counter += 1)}`);
      await writeFile(local, bytes);
      await ops.putFile(p, local);
    },
    async putZeros(p, size) {
      // FAT has no holes: the zeros are written (a sparse local file reads as them).
      const local = path.join(scratch, `zeros-${(counter += 1)}`);
      const handle = await open(local, 'w');
      await handle.truncate(size);
      await handle.close();
      try {
        await ops.putFile(p, local);
      } finally {
        await rm(local, { force: true });
      }
    },
    putImage: (p, from) => ops.putFile(p, from),
    async remove(p) {
      if (await mtools('mdeltree', [at(p)], `removing ${p}`).then(() => true, () => false)) return;
      if (await mtools('mdel', [at(p)], `removing ${p}`).then(() => true, () => false)) return;
      const still = await mtools('mdir', ['-b', at(p)], `looking up ${p}`).then(() => true, () => false);
      if (still) throw new StickwrightError('WRITE_FAILED', `${p} could not be removed from the FAT filesystem`);
    },
  };
  return ops;
}
