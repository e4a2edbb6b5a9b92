import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createHandlers, type HandlerDeps } from './handlers';
import { callApi, type IpcEventLike } from './registerApi';
import type { Drive } from '../../../shared/contract/drive';
import type { Job } from '../../../shared/contract/job';
import type { WorkerEvent } from '../../../shared/contract/events';
import type { JobRunner } from '../jobs/jobRunner';
import { developmentDrivesFromEnv } from '../drives/listDrives';

const trusted: IpcEventLike = { senderFrame: { url: 'app://stickwright/index.html', parent: null } };
const GiB = 2 ** 30;

const stick: Drive = { device: '/dev/sdb', description: 'SanDisk Cruzer', size: 16 * GiB, isSystem: false, isRemovable: true, busType: 'USB', mountpoints: [], isDevelopment: false };
const system: Drive = { ...stick, device: '/dev/vda', description: 'System disk', isSystem: true, isRemovable: false, mountpoints: ['/'] };

function setup(overrides: Partial<HandlerDeps> = {}) {
  const started: Job[] = [];
  const cancels: string[] = [];
  let finish: (code: number) => void = () => {};
  /** Delivers an event to the last job's listener, as the worker would. */
  let emit: (event: WorkerEvent) => void = () => {};
  const jobs: JobRunner = {
    start: (job, onEvent) => {
      started.push(job);
      emit = onEvent;
      return { jobId: job.id, cancel: () => cancels.push(job.id), done: new Promise<number>((resolve) => (finish = resolve)) };
    },
  };
  const sent: WorkerEvent[] = [];
  const deps: HandlerDeps = {
    version: '1.2.3',
    platform: 'linux',
    pickIsoFile: async () => null,
    listDrives: async () => [stick, system],
    jobs,
    sendJobEvent: (e) => sent.push(e),
    ejectDrive: vi.fn(async (device: string) => ({ ejected: true, message: `${device} off` })),
    ...overrides,
  };
  return { handlers: createHandlers(deps), started, cancels, sent, deps, finish: (code: number) => finish(code), emit: (event: WorkerEvent) => emit(event) };
}

const request = { isoPath: '/isos/live.iso', device: '/dev/sdb', expectedSize: 16 * GiB, options: { fs: 'ext4', overlaySize: GiB, homeSize: 0 } };

describe('main handlers', () => {
  it('listDrives hides system drives unless showAll', async () => {
    const { handlers } = setup();
    const listed = await callApi(handlers, 'listDrives', trusted, [{ showAll: false }]);
    expect(listed.ok && listed.value.map((d) => d.device)).toEqual(['/dev/sdb']);
    expect((await handlers.listDrives({ showAll: true })).map((d) => d.device)).toEqual(['/dev/sdb', '/dev/vda']);
  });

  it('startWrite builds the worker job from a listed drive, with defaults filled by the schema', async () => {
    const { handlers, started } = setup();
    const result = await callApi(handlers, 'startWrite', trusted, [request]);
    expect(result.ok).toBe(true);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ v: 1, kind: 'write', isoPath: '/isos/live.iso', target: '/dev/sdb', expectedSize: 16 * GiB, verify: true, options: { fs: 'ext4', overlaySize: GiB, overlayKind: 'auto', homeSize: 0, encryptHome: false, label: 'LIVE' } });
    expect(started[0]).not.toHaveProperty('passphrase');
    if (result.ok) expect(result.value.jobId).toBe(started[0]?.id);
  });

  it('refuses a device main did not list, even a real path (no arbitrary writes from the page)', async () => {
    const { handlers, started } = setup();
    for (const device of ['/etc/passwd', '/dev/sdc', '/dev/sdb1', '/dev/../dev/sdb']) {
      const result = await callApi(handlers, 'startWrite', trusted, [{ ...request, device }]);
      expect(result.ok, device).toBe(false);
      if (!result.ok) expect(['TARGET_NOT_FOUND', 'BAD_REQUEST']).toContain(result.error.code);
    }
    expect(started).toHaveLength(0);
  });

  it('refuses a drive whose size changed since the user chose it (a swapped stick)', async () => {
    const { handlers, started } = setup();
    const result = await callApi(handlers, 'startWrite', trusted, [{ ...request, expectedSize: 8 * GiB }]);
    expect(result).toMatchObject({ ok: false, error: { code: 'TARGET_CHANGED' } });
    expect(started).toHaveLength(0);
  });

  it('one write per drive at a time; cancel reaches the running job; eject waits for it', async () => {
    const { handlers, started, cancels, finish } = setup();
    const first = await handlers.startWrite({ ...request, verify: true, options: { ...request.options, fs: 'ext4', overlayKind: 'auto', encryptHome: false, label: 'LIVE' } });
    expect(await callApi(handlers, 'startWrite', trusted, [request])).toMatchObject({ ok: false, error: { code: 'TARGET_BUSY' } });
    expect(await callApi(handlers, 'ejectDrive', trusted, ['/dev/sdb'])).toMatchObject({ ok: false, error: { code: 'TARGET_BUSY' } });
    expect(await handlers.cancelJob(first.jobId)).toBe(true);
    expect(cancels).toEqual([first.jobId]);
    expect(await handlers.cancelJob('no-such-job')).toBe(false);
    finish(130);
    await new Promise((r) => setTimeout(r, 0));
    expect(await handlers.cancelJob(first.jobId)).toBe(false);
    expect(await callApi(handlers, 'ejectDrive', trusted, ['/dev/sdb'])).toMatchObject({ ok: true, value: { ejected: true } });
    expect(started).toHaveLength(1);
  });

  it('the passphrase goes into the job only when given', async () => {
    const { handlers, started } = setup();
    await callApi(handlers, 'startWrite', trusted, [{ ...request, options: { ...request.options, encryptHome: true, homeSize: GiB }, passphrase: 'correct horse' }]);
    expect(started[0]).toMatchObject({ passphrase: 'correct horse', options: { encryptHome: true } });
  });

  it('consent to unmount (T8) reaches the job only when the user gave it; nothing else implies it', async () => {
    const { handlers, started } = setup();
    await callApi(handlers, 'startWrite', trusted, [request]);
    expect(started[0]).not.toHaveProperty('unmount');
    started.length = 0;
    const again = setup();
    await callApi(again.handlers, 'startWrite', trusted, [{ ...request, unmount: false }]);
    expect(again.started[0]).not.toHaveProperty('unmount');
    const consenting = setup();
    await callApi(consenting.handlers, 'startWrite', trusted, [{ ...request, unmount: true }]);
    expect(consenting.started[0]).toMatchObject({ kind: 'write', target: '/dev/sdb', unmount: true });
    const bad = setup();
    expect(await callApi(bad.handlers, 'startWrite', trusted, [{ ...request, unmount: 'yes' }])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(bad.started).toHaveLength(0);
  });

  it('writing is refused where the platform cannot do it yet', async () => {
    const { handlers, started } = setup({ platform: 'darwin' });
    expect(await callApi(handlers, 'startWrite', trusted, [request])).toMatchObject({ ok: false, error: { code: 'PLATFORM_NOT_SUPPORTED' } });
    expect(await callApi(handlers, 'readUsage', trusted, ['/dev/sdb'])).toMatchObject({ ok: false, error: { code: 'PLATFORM_NOT_SUPPORTED' } });
    expect(await callApi(handlers, 'resetOverlay', trusted, ['/dev/sdb', 'LiveOS'])).toMatchObject({ ok: false, error: { code: 'PLATFORM_NOT_SUPPORTED' } });
    expect(started).toHaveLength(0);
  });
});

describe('startWrite payload validation (T33)', () => {
  const bad: Array<[string, unknown]> = [
    ['a relative device', { ...request, device: 'sdb' }],
    ['path traversal', { ...request, device: '/dev/../etc/shadow' }],
    ['a NUL in the device', { ...request, device: '/dev/sdb\0' }],
    ['a NUL in the ISO path', { ...request, isoPath: '/a.iso\0/etc' }],
    ['an oversized ISO path', { ...request, isoPath: `/${'a'.repeat(5000)}` }],
    ['a negative overlay', { ...request, options: { ...request.options, overlaySize: -1 } }],
    ['a fractional overlay', { ...request, options: { ...request.options, overlaySize: 1.5 } }],
    ['a huge overlay', { ...request, options: { ...request.options, overlaySize: 2 ** 60 } }],
    ['an unknown filesystem', { ...request, options: { ...request.options, fs: 'ntfs' } }],
    ['an unknown option key', { ...request, options: { ...request.options, shell: 'rm -rf /' } }],
    ['an unknown request key', { ...request, target: '/dev/vda' }],
    ['an oversized label', { ...request, options: { ...request.options, label: 'x'.repeat(65) } }],
    ['an empty passphrase', { ...request, passphrase: '' }],
    ['an oversized passphrase', { ...request, passphrase: 'p'.repeat(1025) }],
    ['a zero expected size', { ...request, expectedSize: 0 }],
    ['a string size', { ...request, expectedSize: '16G' }],
    ['not an object', 'write /dev/sdb'],
  ];
  it.each(bad)('refuses %s before any handler runs', async (_name, payload) => {
    const { handlers, started } = setup();
    const listDrives = vi.spyOn(handlers, 'listDrives');
    const result = await callApi(handlers, 'startWrite', trusted, [payload]);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(started).toHaveLength(0);
    expect(listDrives).not.toHaveBeenCalled();
  });

  it('refuses the call from an untrusted frame', async () => {
    const { handlers, started } = setup();
    const evil: IpcEventLike = { senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await callApi(handlers, 'startWrite', evil, [request])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(started).toHaveLength(0);
  });

  it('hostile labels and paths never start a job unless they name a listed drive', async () => {
    const { handlers, started } = setup();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), fc.string({ maxLength: 40 }), async (device, label) => {
        const result = await callApi(handlers, 'startWrite', trusted, [{ ...request, device, options: { ...request.options, label } }]);
        if (result.ok) expect(device).toBe('/dev/sdb');
      }),
      { numRuns: 200 },
    );
    expect(started.every((job) => job.kind === 'write' && job.target === '/dev/sdb')).toBe(true);
  });
});

describe('maintenance actions', () => {
  it('run as worker jobs on a listed, idle drive; directory names cannot traverse', async () => {
    const { handlers, started } = setup();
    for (const dir of ['../etc', 'a/b', '', '.', '..', 'Live OS', '-rf', 'x'.repeat(65)]) {
      expect(await callApi(handlers, 'resetOverlay', trusted, ['/dev/sdb', dir]), dir).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await callApi(handlers, 'growOverlay', trusted, ['/dev/sdb', 'LiveOS', -1])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await callApi(handlers, 'growOverlay', trusted, ['/dev/sdb', 'LiveOS', 1.5])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await callApi(handlers, 'resetOverlay', trusted, ['/dev/sdz', 'LiveOS'])).toMatchObject({ ok: false, error: { code: 'TARGET_NOT_FOUND' } });
    expect(started).toHaveLength(0);
    // The fake runner never finishes; the job it was given is what the worker would get.
    void callApi(handlers, 'growOverlay', trusted, ['/dev/sdb', 'F42', 4 * GiB]);
    await new Promise((r) => setTimeout(r, 0));
    expect(started.at(-1)).toMatchObject({ v: 1, kind: 'grow-overlay', stick: '/dev/sdb', dir: 'F42', size: 4 * GiB });
  });

  it('are refused while the drive is being written', async () => {
    const { handlers } = setup();
    await handlers.startWrite({ ...request, verify: true, options: { ...request.options, fs: 'ext4', overlayKind: 'auto', encryptHome: false, label: 'LIVE' } });
    expect(await callApi(handlers, 'resetOverlay', trusted, ['/dev/sdb', 'LiveOS'])).toMatchObject({ ok: false, error: { code: 'TARGET_BUSY' } });
  });
});

describe('multi-image sticks', () => {
  const add = { isoPath: '/isos/two.iso', device: '/dev/sdb', expectedSize: 16 * GiB, overlaySize: GiB, homeSize: 256 * 2 ** 20 };
  const remove = { device: '/dev/sdb', expectedSize: 16 * GiB, dir: 'ab12', liveUuid: '372c4cf1-53b0-4109-9fd2-0bd06e1c675a' };
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it('startAddImage builds the worker job for a listed drive of the chosen size; its events go to the page', async () => {
    const { handlers, started, sent, emit } = setup();
    const result = await callApi(handlers, 'startAddImage', trusted, [{ ...add, name: 'Fedora KDE' }]);
    expect(result.ok).toBe(true);
    expect(started).toEqual([{ v: 1, id: result.ok ? result.value.jobId : '', kind: 'add-image', isoPath: '/isos/two.iso', stick: '/dev/sdb', expectedSize: 16 * GiB, overlaySize: GiB, homeSize: 256 * 2 ** 20, name: 'Fedora KDE' }]);
    emit({ v: 1, jobId: started[0]?.id ?? '', type: 'phase', phase: 'copy' });
    expect(sent).toMatchObject([{ type: 'phase', phase: 'copy' }]);
  });

  it('refuses a drive main did not list, a swapped stick, and a system drive', async () => {
    const { handlers, started } = setup();
    expect(await callApi(handlers, 'startAddImage', trusted, [{ ...add, device: '/dev/sdc' }])).toMatchObject({ ok: false, error: { code: 'TARGET_NOT_FOUND' } });
    expect(await callApi(handlers, 'startAddImage', trusted, [{ ...add, expectedSize: 8 * GiB }])).toMatchObject({ ok: false, error: { code: 'TARGET_CHANGED' } });
    expect(await callApi(handlers, 'removeImage', trusted, [{ ...remove, expectedSize: 8 * GiB }])).toMatchObject({ ok: false, error: { code: 'TARGET_CHANGED' } });
    expect(await callApi(handlers, 'listStickImages', trusted, ['/etc/passwd'])).toMatchObject({ ok: false, error: { code: 'TARGET_NOT_FOUND' } });
    expect(started).toHaveLength(0);
  });

  it('an add keeps the drive busy until it ends: no write, usage, list, remove or second add meanwhile; cancel reaches it', async () => {
    const { handlers, started, cancels, finish } = setup();
    const first = await handlers.startAddImage(add);
    for (const [method, args] of [
      ['startAddImage', [add]],
      ['startWrite', [request]],
      ['readUsage', ['/dev/sdb']],
      ['listStickImages', ['/dev/sdb']],
      ['removeImage', [remove]],
      ['ejectDrive', ['/dev/sdb']],
    ] as const) {
      const result = await callApi(handlers, method, trusted, [...args]);
      expect(result, method).toMatchObject({ ok: false, error: { code: 'TARGET_BUSY', detail: '/dev/sdb is still getting another image' } });
    }
    expect(await handlers.cancelJob(first.jobId)).toBe(true);
    expect(cancels).toEqual([first.jobId]);
    finish(130);
    await tick();
    expect(started).toHaveLength(1);
    void callApi(handlers, 'listStickImages', trusted, ['/dev/sdb']);
    await tick();
    expect(started.at(-1)).toMatchObject({ kind: 'list-images', stick: '/dev/sdb' });
  });

  it('removeImage runs as a short job (busy while it runs) and answers with the worker\'s result or its error code', async () => {
    const { handlers, started, emit, finish } = setup();
    const pending = callApi(handlers, 'removeImage', trusted, [remove]);
    await tick();
    const job = started.at(-1);
    expect(job).toMatchObject({ v: 1, kind: 'remove-image', stick: '/dev/sdb', expectedSize: 16 * GiB, dir: 'ab12', liveUuid: remove.liveUuid });
    expect(await callApi(handlers, 'startWrite', trusted, [request])).toMatchObject({ ok: false, error: { code: 'TARGET_BUSY', detail: '/dev/sdb is still having an image removed' } });
    emit({ v: 1, jobId: job?.id ?? '', type: 'error', phase: null, error: { code: 'MULTI_NOT_POSSIBLE', message: 'x', hint: 'y', detail: '/LiveOS is the stick\'s only live image', data: {} } });
    finish(4);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'MULTI_NOT_POSSIBLE', detail: '/LiveOS is the stick\'s only live image' } });
    await tick();
    // Idle again: a write may start.
    expect(await callApi(handlers, 'startWrite', trusted, [request])).toMatchObject({ ok: true });
  });

  it('directory names cannot traverse; unknown keys and two-line names are refused before any handler runs', async () => {
    const { handlers, started } = setup();
    for (const dir of ['../etc', 'a/b', '', '..', '-rf']) {
      expect(await callApi(handlers, 'removeImage', trusted, [{ ...remove, dir }]), dir).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await callApi(handlers, 'startAddImage', trusted, [{ ...add, dir: 'x' }])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await callApi(handlers, 'startAddImage', trusted, [{ ...add, name: 'a\n}' }])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await callApi(handlers, 'startAddImage', trusted, [{ ...add, overlaySize: -1 }])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(started).toHaveLength(0);
  });

  it('are refused where the platform cannot do them yet', async () => {
    const { handlers, started } = setup({ platform: 'win32' });
    for (const [method, args] of [
      ['listStickImages', ['/dev/sdb']],
      ['startAddImage', [add]],
      ['removeImage', [remove]],
    ] as const) {
      expect(await callApi(handlers, method, trusted, [...args]), method).toMatchObject({ ok: false, error: { code: 'PLATFORM_NOT_SUPPORTED' } });
    }
    expect(started).toHaveLength(0);
  });
});

describe('development drives', () => {
  it('come from STICKWRIGHT_DEV_DRIVES only in an unpackaged build, absolute paths only', () => {
    const env = { STICKWRIGHT_DEV_DRIVES: '/dev/loop7:relative.img::/tmp/stick.img' };
    expect(developmentDrivesFromEnv(env, false)).toEqual(['/dev/loop7', '/tmp/stick.img']);
    expect(developmentDrivesFromEnv(env, true)).toEqual([]);
    expect(developmentDrivesFromEnv({}, false)).toEqual([]);
  });
});

describe('raw mode and restore', () => {
  const raw = { imagePath: '/images/freebsd.img.xz', device: '/dev/sdb', expectedSize: 16 * GiB };
  const restore = { device: '/dev/sdb', expectedSize: 16 * GiB, fs: 'fat32', label: 'STICK' };

  it('startRawWrite and startRestore build the worker jobs for a listed drive (verify on by default; unmount only when agreed)', async () => {
    const { handlers, started } = setup();
    const first = await callApi(handlers, 'startRawWrite', trusted, [raw]);
    expect(first.ok).toBe(true);
    expect(started[0]).toEqual({ v: 1, id: first.ok ? first.value.jobId : '', kind: 'write-raw', imagePath: '/images/freebsd.img.xz', target: '/dev/sdb', expectedSize: 16 * GiB, verify: true });
    const other = setup();
    const second = await callApi(other.handlers, 'startRestore', trusted, [restore]);
    expect(second.ok).toBe(true);
    expect(other.started[0]).toEqual({ v: 1, id: second.ok ? second.value.jobId : '', kind: 'restore', target: '/dev/sdb', expectedSize: 16 * GiB, fs: 'fat32', label: 'STICK' });
    const consenting = setup();
    await callApi(consenting.handlers, 'startRawWrite', trusted, [{ ...raw, unmount: true }]);
    expect(consenting.started[0]).toMatchObject({ unmount: true });
  });

  it('refuse a drive main did not list, a swapped stick, and a bad label, fs or path', async () => {
    const { handlers, started } = setup();
    for (const method of ['startRawWrite', 'startRestore'] as const) {
      const base = method === 'startRawWrite' ? raw : restore;
      expect(await callApi(handlers, method, trusted, [{ ...base, device: '/dev/sdc' }])).toMatchObject({ ok: false, error: { code: 'TARGET_NOT_FOUND' } });
      expect(await callApi(handlers, method, trusted, [{ ...base, expectedSize: 8 * GiB }])).toMatchObject({ ok: false, error: { code: 'TARGET_CHANGED' } });
    }
    expect(await callApi(handlers, 'startRestore', trusted, [{ ...restore, label: '$(reboot)' }])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await callApi(handlers, 'startRestore', trusted, [{ ...restore, fs: 'ntfs' }])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await callApi(handlers, 'startRawWrite', trusted, [{ ...raw, imagePath: '/x\nimg' }])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(started).toEqual([]);
  });

  it('one changing job per drive: a raw write or restore keeps the drive busy for writes, adds and each other; cancel reaches it', async () => {
    const { handlers, started, cancels, finish } = setup();
    const first = await handlers.startRawWrite({ ...raw, verify: true });
    expect(await callApi(handlers, 'startRestore', trusted, [restore])).toMatchObject({ ok: false, error: { code: 'TARGET_BUSY', detail: '/dev/sdb is still being written' } });
    expect(await callApi(handlers, 'startWrite', trusted, [request])).toMatchObject({ ok: false, error: { code: 'TARGET_BUSY' } });
    expect(await handlers.cancelJob(first.jobId)).toBe(true);
    expect(cancels).toEqual([first.jobId]);
    finish(130);
    await new Promise((r) => setTimeout(r, 0));
    const second = await handlers.startRestore({ ...restore, fs: 'exfat', label: 'Data' });
    expect(await callApi(handlers, 'startRawWrite', trusted, [raw])).toMatchObject({ ok: false, error: { code: 'TARGET_BUSY', detail: '/dev/sdb is still being restored' } });
    expect(started.map((j) => j.id)).toEqual([first.jobId, second.jobId]);
  });

  it('are refused where the platform cannot do them yet', async () => {
    const { handlers, started } = setup({ platform: 'darwin' });
    expect(await callApi(handlers, 'startRawWrite', trusted, [raw])).toMatchObject({ ok: false, error: { code: 'PLATFORM_NOT_SUPPORTED' } });
    expect(await callApi(handlers, 'startRestore', trusted, [restore])).toMatchObject({ ok: false, error: { code: 'PLATFORM_NOT_SUPPORTED' } });
    expect(started).toEqual([]);
  });
});
