// T23 (style-security.md B.5), the schema half: malformed and hostile values thrown at every
// request schema the app and the worker accept — the worker's Job, the IPC arguments of every
// contract method — and at the values that end up in file names, menus and labels. Nothing
// hostile gets through: sizes are bounded safe integers, objects are strict, directory names are
// one safe path component, labels and titles carry no control characters. (The worker process
// itself, with a canary for the shell, is e2e/trust-boundary.test.ts.)
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Job, JOB_PROTOCOL_VERSION } from './job';
import { apiContract } from './api';
import { LiveDir } from './liveDir';
import { ImageName } from './multiImage';
import { WriteOptions } from '../plan/writeOptions';
import { normaliseLabel } from '../plan/labels';
import { parseSize } from '../units';

const GiB = 2 ** 30;
const options = { fs: 'ext4', overlaySize: GiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' };
const base = { v: JOB_PROTOCOL_VERSION, id: 'job-1' };

/** One valid job of every kind. */
const VALID_JOBS: Readonly<Record<Job['kind'], Record<string, unknown>>> = {
  inspect: { ...base, kind: 'inspect', isoPath: '/isos/live.iso' },
  write: { ...base, kind: 'write', isoPath: '/isos/live.iso', target: '/dev/sdb', expectedSize: 16 * GiB, options, verify: true },
  usage: { ...base, kind: 'usage', stick: '/dev/sdb' },
  'reset-overlay': { ...base, kind: 'reset-overlay', stick: '/dev/sdb', dir: 'LiveOS' },
  'grow-overlay': { ...base, kind: 'grow-overlay', stick: '/dev/sdb', dir: 'LiveOS', size: 4 * GiB },
  'list-images': { ...base, kind: 'list-images', stick: '/dev/sdb' },
  'add-image': { ...base, kind: 'add-image', isoPath: '/isos/two.iso', stick: '/dev/sdb', expectedSize: 16 * GiB, overlaySize: GiB, homeSize: 0, name: 'Two' },
  'remove-image': { ...base, kind: 'remove-image', stick: '/dev/sdb', expectedSize: 16 * GiB, dir: 'ab12', liveUuid: null },
  'write-raw': { ...base, kind: 'write-raw', imagePath: '/images/freebsd.img.xz', target: '/dev/sdb', expectedSize: 16 * GiB, verify: true },
  restore: { ...base, kind: 'restore', target: '/dev/sdb', expectedSize: 16 * GiB, fs: 'fat32', label: 'STICK' },
};

/** Numbers no size may be: negative, fractional, not finite, beyond 2^53, and things that are not numbers. */
const hostileSize = fc.oneof(
  fc.constantFrom(-1, -0.5, 0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, 2 ** 64, Number.MAX_VALUE, -(2 ** 53)),
  fc.double({ noInteger: true }),
  fc.integer({ max: -1 }),
  fc.constantFrom('16G', '1e3', '', null, true, [], {}, '0x10'),
);

/** Strings an attacker would send: shell, traversal, quotes, control characters, very long. */
const SHELLISH = ['$(touch /tmp/pwned)', '`touch /tmp/pwned`', '; rm -rf /', '"; reboot; "', "'$(id)'", '${IFS}', '|| true', '&& sh', '> /etc/passwd'];
const hostileString = fc.oneof(
  fc.constantFrom(...SHELLISH, '../', '..', '.', '/', '/etc/passwd', '../../etc', 'a/b', 'a\nb', 'a\rb', 'a\0b', '\0', 'a\tb', '\u202e', '', ' ', 'x'.repeat(5000)),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...SHELLISH, '/', '..', '\n', '\0', '"', "'"), fc.string({ maxLength: 10 })).map(([a, b, c]) => `${a}${b}${c}`),
);

const SIZE_KEYS: ReadonlyArray<readonly [Job['kind'], string]> = [
  ['write', 'expectedSize'],
  ['grow-overlay', 'size'],
  ['add-image', 'expectedSize'],
  ['add-image', 'overlaySize'],
  ['add-image', 'homeSize'],
  ['remove-image', 'expectedSize'],
  ['write-raw', 'expectedSize'],
  ['restore', 'expectedSize'],
];

const DIR_KINDS = ['reset-overlay', 'grow-overlay', 'remove-image'] as const;

describe('the worker\'s Job schema refuses hostile jobs (T23)', () => {
  it('the valid jobs pass (the properties below start from them)', () => {
    for (const job of Object.values(VALID_JOBS)) expect(Job.safeParse(job).success, JSON.stringify(job)).toBe(true);
  });

  it('any unknown key, at the top or in the options, is refused (strict objects)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(VALID_JOBS) as Job['kind'][]), fc.string({ minLength: 1, maxLength: 20 }), fc.anything(), (kind, key, value) => {
        const job = VALID_JOBS[kind];
        fc.pre(!(key in job) && !['passphrase', 'name', 'unmount', '__proto__'].includes(key));
        expect(Job.safeParse({ ...job, [key]: value }).success).toBe(false);
        if (kind === 'write') {
          fc.pre(!(key in options) && key !== '__proto__');
          expect(Job.safeParse({ ...job, options: { ...options, [key]: value } }).success).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('huge, negative, fractional, NaN and non-number sizes are refused wherever a size goes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SIZE_KEYS), hostileSize, ([kind, key], size) => {
        expect(Job.safeParse({ ...VALID_JOBS[kind], [key]: size }).success).toBe(false);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.constantFrom('overlaySize', 'homeSize'), hostileSize, (key, size) => {
        expect(Job.safeParse({ ...VALID_JOBS.write, options: { ...options, [key]: size } }).success).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('a directory name is one safe path component: no "/", no "..", no NUL or newline, no leading dot', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DIR_KINDS), hostileString, (kind, dir) => {
        const accepted = Job.safeParse({ ...VALID_JOBS[kind], dir }).success;
        if (accepted) expect(dir).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
        if (/[/\0\n\r]/.test(dir) || dir === '..' || dir === '.' || dir.startsWith('.') || dir.length > 64) expect(accepted).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('paths carry no NUL or control characters and stay bounded', () => {
    fc.assert(
      fc.property(fc.constantFrom(['inspect', 'isoPath'], ['write', 'target'], ['write', 'isoPath'], ['usage', 'stick'], ['add-image', 'stick']), hostileString, ([kind, key], value) => {
        const accepted = Job.safeParse({ ...VALID_JOBS[kind as Job['kind']], [key as string]: value }).success;
        if (/[\u0000-\u001f\u007f]/.test(value) || value.length === 0 || value.length > 4096) expect(accepted).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a label either fails the schema or the planner, unless it is letters, digits, "-" and "_"; titles are one line', () => {
    fc.assert(
      fc.property(hostileString, fc.constantFrom('ext4', 'f2fs', 'vfat') as fc.Arbitrary<'ext4' | 'f2fs' | 'vfat'>, (label, fs) => {
        const parsed = WriteOptions.safeParse({ ...options, fs, label });
        if (/[\u0000-\u001f\u007f]/.test(label)) expect(parsed.success).toBe(false);
        if (parsed.success && normaliseLabel(parsed.data.label, fs).ok) expect(label).toMatch(/^[A-Za-z0-9_-]{1,16}$/);
        const name = ImageName.safeParse(label);
        if (name.success) expect(label).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
      { numRuns: 500 },
    );
  });

  it('a restore label is letters, digits, "-", "_" and inner spaces, at most 15; the fs is fat32 or exfat', () => {
    fc.assert(
      fc.property(hostileString, (label) => {
        const accepted = Job.safeParse({ ...VALID_JOBS.restore, label }).success;
        if (accepted) expect(label).toMatch(/^[A-Za-z0-9_-]([A-Za-z0-9 _-]{0,13}[A-Za-z0-9_-])?$/);
      }),
      { numRuns: 500 },
    );
    expect(Job.safeParse({ ...VALID_JOBS.restore, label: 'MY STICK' }).success).toBe(true);
    expect(Job.safeParse({ ...VALID_JOBS.restore, label: ' STICK' }).success).toBe(false);
    expect(Job.safeParse({ ...VALID_JOBS.restore, fs: 'ntfs' }).success).toBe(false);
    expect(Job.safeParse({ ...VALID_JOBS['write-raw'], imagePath: '/x\0.img' }).success).toBe(false);
    expect(Job.safeParse({ ...VALID_JOBS['write-raw'], imagePath: '/x\n.img' }).success).toBe(false);
  });

  it('whatever JSON arrives, parsing never throws and only the known kinds pass', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = Job.safeParse(value);
        if (parsed.success) expect(Object.keys(VALID_JOBS)).toContain(parsed.data.kind);
      }),
      { numRuns: 300 },
    );
  });

  it('LiveDir and parseSize on their own: traversal never passes, sizes are safe integers or null', () => {
    fc.assert(
      fc.property(hostileString, (dir) => {
        if (LiveDir.safeParse(dir).success) expect(dir.includes('/') || dir === '..' || dir === '.').toBe(false);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.oneof(hostileString, fc.stringMatching(/^\d{1,40}(\.\d{1,5})?\s?[KMGTkmgt]?(i?B)?$/)), (text) => {
        const bytes = parseSize(text);
        if (bytes !== null) expect(Number.isSafeInteger(bytes) && bytes >= 0).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(parseSize('99999999999999999999T')).toBeNull();
    expect(parseSize('-1G')).toBeNull();
    expect(parseSize('NaN')).toBeNull();
    expect(parseSize('Infinity')).toBeNull();
    expect(parseSize('8191T')).toBe(8191 * 2 ** 40);
  });
});

describe('the IPC argument schemas refuse hostile calls (T23, with T33 in registerApi.test.ts)', () => {
  const writeRequest = { isoPath: '/isos/live.iso', device: '/dev/sdb', expectedSize: 16 * GiB, options };
  const addRequest = { isoPath: '/isos/two.iso', device: '/dev/sdb', expectedSize: 16 * GiB, overlaySize: GiB, homeSize: 0 };
  const removeRequest = { device: '/dev/sdb', expectedSize: 16 * GiB, dir: 'ab12', liveUuid: null };

  it('the valid calls pass', () => {
    expect(apiContract.startWrite.args.safeParse([writeRequest]).success).toBe(true);
    expect(apiContract.startAddImage.args.safeParse([addRequest]).success).toBe(true);
    expect(apiContract.removeImage.args.safeParse([removeRequest]).success).toBe(true);
    expect(apiContract.growOverlay.args.safeParse(['/dev/sdb', 'LiveOS', GiB]).success).toBe(true);
  });

  it('unknown keys and hostile sizes in request objects are refused', () => {
    const requests = [
      [apiContract.startWrite.args, writeRequest, ['expectedSize']],
      [apiContract.startAddImage.args, addRequest, ['expectedSize', 'overlaySize', 'homeSize']],
      [apiContract.removeImage.args, removeRequest, ['expectedSize']],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...requests), fc.string({ minLength: 1, maxLength: 20 }), fc.anything(), hostileSize, ([schema, request, sizes], key, value, size) => {
        fc.pre(!(key in request) && !['passphrase', 'verify', 'name', 'unmount', '__proto__'].includes(key));
        expect(schema.safeParse([{ ...request, [key]: value }]).success).toBe(false);
        for (const sizeKey of sizes) expect(schema.safeParse([{ ...request, [sizeKey]: size }]).success).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('directory names, devices and ISO paths: no traversal, no NUL or control characters', () => {
    fc.assert(
      fc.property(hostileString, (value) => {
        const control = /[\u0000-\u001f\u007f]/.test(value);
        const dirOk = [
          apiContract.resetOverlay.args.safeParse(['/dev/sdb', value]).success,
          apiContract.growOverlay.args.safeParse(['/dev/sdb', value, GiB]).success,
          apiContract.removeImage.args.safeParse([{ ...removeRequest, dir: value }]).success,
        ];
        for (const ok of dirOk) if (ok) expect(value).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
        const deviceOk = [apiContract.readUsage.args.safeParse([value]).success, apiContract.startWrite.args.safeParse([{ ...writeRequest, device: value }]).success];
        for (const ok of deviceOk) if (ok) expect(value.startsWith('/') && !value.includes('\0') && !value.split('/').includes('..')).toBe(true);
        const isoOk = [apiContract.inspectIso.args.safeParse([value]).success, apiContract.startWrite.args.safeParse([{ ...writeRequest, isoPath: value }]).success];
        for (const ok of isoOk) if (control) expect(ok).toBe(false);
        if (apiContract.startWrite.args.safeParse([{ ...writeRequest, options: { ...options, label: value } }]).success) expect(control).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
