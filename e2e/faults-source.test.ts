// The fault suite, part 2 — T22, bad sources (style-security.md B.5): a truncated ISO, a damaged
// live root image (squashfs) inside it, ISOs that are not live, no ISO at all, and an ISO whose
// disk answers EIO. Each has its own code, and every check comes before partitioning: the target
// (an existing stick with a partition table, and a loop device) is byte-for-byte what it was, and
// a bystander stick too. One source fault cannot be seen before writing: a bad sector in the
// middle of the root image is met while copying — SOURCE_READ_ERROR, and the stick is left blank
// (no partition table), never half-made.
import { describe, expect, it } from 'vitest';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureFile } from './fixtures/fixture';
import { attachLoop, bystander, cliWrite, detachLoop, expectBlank, expectError, expectNothingLeft, GiB, MiB, mountFaultFs, oldStick, phasesOf, sha256, stagingDir, useFaultSuite, type Suite } from './faults/harness';

const suite = useFaultSuite('sw-faults-source-');

/** Where /LiveOS/squashfs.img starts in the ISO: the one sector-aligned squashfs superblock. */
function squashfsOffset(iso: Buffer): number {
  const found: number[] = [];
  for (let at = 0; at + 4 <= iso.length; at += 2048) if (iso.toString('latin1', at, at + 4) === 'hsqs') found.push(at);
  if (found.length !== 1) throw new Error(`expected one squashfs superblock in the fixture ISO, found ${found.length}`);
  return found[0] as number;
}

/** What must not change: the target's size, mtime, ctime, its first 16 MiB and its last MiB
 *  (a block device: all of it). */
async function fingerprint(target: string): Promise<string> {
  const info = statSync(target, { bigint: true });
  if (info.isBlockDevice()) return `block ${await sha256(target)}`;
  const tail = Buffer.alloc(MiB);
  const fd = openSync(target, 'r');
  try {
    readSync(fd, tail, 0, MiB, Number(info.size) - MiB);
  } finally {
    closeSync(fd);
  }
  const tailHash = createHash('sha256').update(tail).digest('hex');
  return `file size=${info.size} mtime=${info.mtimeNs} ctime=${info.ctimeNs} head=${await sha256(target, 16 * MiB)} tail=${tailHash}`;
}

let n = 0;
const scratchFile = (s: Suite, name: string) => path.join(s.scratch, `${++n}-${name}`);

interface SourceCase {
  readonly name: string;
  readonly code: string;
  /** Makes the bad source; `fuse` for sources that need the failing filesystem. */
  readonly source: (s: Suite) => string | Promise<{ iso: string; done: () => Promise<void> }>;
  /** What the message must say. */
  readonly says: RegExp;
}

const CASES: SourceCase[] = [
  {
    name: 'a truncated ISO (60 % of it)',
    code: 'SOURCE_TRUNCATED',
    source: (s) => {
      const bytes = readFileSync(s.iso);
      const file = scratchFile(s, 'truncated.iso');
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      return file;
    },
    says: /the file has \d+ bytes but its volume descriptor says \d+/,
  },
  {
    name: 'an ISO cut off 100 KiB into its squashfs',
    code: 'SOURCE_TRUNCATED',
    source: (s) => {
      const bytes = readFileSync(s.iso);
      const file = scratchFile(s, 'cut-in-squashfs.iso');
      writeFileSync(file, bytes.subarray(0, squashfsOffset(bytes) + 100 * 1024));
      return file;
    },
    says: /truncated/,
  },
  {
    name: 'a squashfs whose superblock magic is damaged',
    code: 'SOURCE_CORRUPT',
    source: (s) => {
      const bytes = Buffer.from(readFileSync(s.iso));
      const at = squashfsOffset(bytes);
      for (let i = 0; i < 4; i++) bytes[at + i] = (bytes[at + i] as number) ^ 0xff;
      const file = scratchFile(s, 'bad-magic.iso');
      writeFileSync(file, bytes);
      return file;
    },
    says: /\/LiveOS\/squashfs\.img has no squashfs superblock/,
  },
  {
    name: 'a squashfs whose bytes_used says it is longer than its file (cut short inside the ISO)',
    code: 'SOURCE_CORRUPT',
    source: (s) => {
      const bytes = Buffer.from(readFileSync(s.iso));
      bytes.writeBigUInt64LE(10n ** 9n, squashfsOffset(bytes) + 40);
      const file = scratchFile(s, 'bytes-used.iso');
      writeFileSync(file, bytes);
      return file;
    },
    says: /\/LiveOS\/squashfs\.img is cut short: its superblock says 1000000000 bytes/,
  },
  {
    name: 'a squashfs with a damaged block size',
    code: 'SOURCE_CORRUPT',
    source: (s) => {
      const bytes = Buffer.from(readFileSync(s.iso));
      bytes.writeUInt32LE(12345, squashfsOffset(bytes) + 12);
      const file = scratchFile(s, 'block-size.iso');
      writeFileSync(file, bytes);
      return file;
    },
    says: /damaged squashfs superblock \(squashfs: block size 12345 is invalid\)/,
  },
  { name: 'a hybrid ISO with no live layout (iso-rawonly)', code: 'NO_LIVE_LAYOUT', source: () => fixtureFile('iso-rawonly', 'image.iso'), says: /no live layout \(raw-only\)/ },
  { name: 'a plain data ISO (iso-tree)', code: 'NO_LIVE_LAYOUT', source: () => fixtureFile('iso-tree', 'image.iso'), says: /no live layout \(unknown\)/ },
  {
    name: 'no ISO at all (random bytes)',
    code: 'SOURCE_NOT_ISO9660',
    source: (s) => {
      const file = scratchFile(s, 'random.iso');
      writeFileSync(file, randomFillSync(Buffer.alloc(4 * MiB)));
      return file;
    },
    says: /not an ISO 9660 image/,
  },
  {
    name: 'an unreadable ISO (EIO on its volume descriptors, through FUSE)',
    code: 'SOURCE_READ_ERROR',
    source: async (s) => {
      const fuse = await mountFaultFs(s.scratch, { 'live.iso': s.iso }, [['live.iso', 16 * 2048, 17 * 2048]]);
      return { iso: fuse.file('live.iso'), done: () => fuse.unmount() };
    },
    says: /live\.iso: EIO/,
  },
];

describe.concurrent('T22: a bad source is refused before the target is touched', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.code}, exit 3; the stick, a loop device and a bystander unchanged`, async () => {
      const s = suite();
      const made = await c.source(s);
      const iso = typeof made === 'string' ? made : made.iso;
      const stick = oldStick(scratchFile(s, 'stick.img'), GiB);
      const small = oldStick(scratchFile(s, 'loop-stick.img'), 64 * MiB);
      const device = attachLoop(small);
      const other = await bystander(s.scratch);
      const staging = stagingDir(s.scratch);
      try {
        const before = await Promise.all([fingerprint(stick), fingerprint(device)]);
        const [onFile, onDevice] = await Promise.all([cliWrite(s, iso, stick, [], { env: { STICKWRIGHT_STAGING: staging } }), cliWrite(s, iso, device, [], { env: { STICKWRIGHT_STAGING: staging } })]);
        for (const r of [onFile, onDevice]) {
          const error = expectError(r, c.code, 3);
          expect(error.phase, r.why).toBe('preflight');
          expect(phasesOf(r), r.why).toEqual(['preflight']);
          expect(error.error.message, r.why).toMatch(c.says);
          expect(error.error.data.targetTouched ?? false, r.why).toBe(false);
        }
        expect(await Promise.all([fingerprint(stick), fingerprint(device)])).toEqual(before);
        await other.check();
        await expectNothingLeft(stick, staging, [stick]);
      } finally {
        detachLoop(device);
        other.remove();
        if (typeof made !== 'string') await made.done();
      }
    });
  }
});

describe('T22: a bad sector in the middle of the root image', () => {
  it('is met while copying: SOURCE_READ_ERROR, exit 3, the stick blank (no partition table), nothing left', async () => {
    const s = suite();
    const offset = squashfsOffset(readFileSync(s.iso)) + 1024 * 1024;
    const fuse = await mountFaultFs(s.scratch, { 'live.iso': s.iso }, [['live.iso', offset, offset + 2048]]);
    const stick = oldStick(scratchFile(s, 'mid-eio.img'), GiB);
    const other = await bystander(s.scratch);
    const staging = stagingDir(s.scratch);
    try {
      const r = await cliWrite(s, fuse.file('live.iso'), stick, [], { env: { STICKWRIGHT_STAGING: staging } });
      const error = expectError(r, 'SOURCE_READ_ERROR', 3);
      expect(error.phase, r.why).toBe('copy');
      expect(error.error.message, r.why).toMatch(/live\.iso: EIO/);
      expect(error.error.message, r.why).toMatch(/no partition table/);
      expect(error.error.data.targetTouched, r.why).toBe(true);
      expectBlank(stick);
      await other.check();
      await expectNothingLeft(stick, staging, [stick]);
    } finally {
      await fuse.unmount();
      other.remove();
    }
  });
});
