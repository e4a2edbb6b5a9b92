import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { callApi, isTrustedSender, registerApi, type ApiHandlers, type IpcEventLike } from './registerApi';
import { API_METHODS } from '../../../shared/contract/api';
import { channelOf } from '../../../shared/contract/apiMethods';
import { StickwrightError } from '../../../shared/errors';
import type { IsoReport } from '../../../shared/contract/isoReport';

const trusted: IpcEventLike = { senderFrame: { url: 'app://stickwright/index.html', parent: null } };

function fakeHandlers() {
  return {
    appInfo: vi.fn(async () => ({
      version: '1.0.0',
      platform: 'linux' as const,
      capabilities: { inspect: true, write: false, usage: false, multiImage: false, rawWrite: false, restore: false },
    })),
    inspectIso: vi.fn(async (p: string): Promise<IsoReport> => {
      throw new StickwrightError('SOURCE_NOT_FOUND', p);
    }),
    chooseIso: vi.fn(async () => null),
    listDrives: vi.fn(async () => []),
    startWrite: vi.fn(async () => ({ jobId: 'j1' })),
    cancelJob: vi.fn(async () => false),
    ejectDrive: vi.fn(async () => ({ ejected: false, message: 'no' })),
    readUsage: vi.fn(async () => {
      throw new StickwrightError('STICK_NOT_FOUND', 'x');
    }),
    resetOverlay: vi.fn(async () => {
      throw new StickwrightError('STICK_NOT_FOUND', 'x');
    }),
    growOverlay: vi.fn(async () => {
      throw new StickwrightError('STICK_NOT_FOUND', 'x');
    }),
    listStickImages: vi.fn(async () => {
      throw new StickwrightError('STICK_NOT_FOUND', 'x');
    }),
    startAddImage: vi.fn(async () => ({ jobId: 'j2' })),
    startRawWrite: vi.fn(async () => ({ jobId: 'j3' })),
    startRestore: vi.fn(async () => ({ jobId: 'j4' })),
    removeImage: vi.fn(async () => {
      throw new StickwrightError('STICK_NOT_FOUND', 'x');
    }),
  } satisfies ApiHandlers;
}

describe('isTrustedSender (T32)', () => {
  it.each([
    ['another origin', { url: 'https://evil.example/', parent: null }],
    ['file://', { url: 'file:///work/main/renderer/dist/index.html', parent: null }],
    ['about:blank', { url: 'about:blank', parent: null }],
    ['a subframe of our page', { url: 'app://stickwright/index.html', parent: {} }],
    ['a look-alike host', { url: 'app://stickwright.evil/index.html', parent: null }],
    ['garbage', { url: '::::', parent: null }],
  ])('refuses %s', (_name, frame) => {
    expect(isTrustedSender({ senderFrame: frame })).toBe(false);
  });
  it('refuses a destroyed frame', () => expect(isTrustedSender({ senderFrame: null })).toBe(false));
  it('accepts our own main frame', () => expect(isTrustedSender(trusted)).toBe(true));
});

describe('callApi', () => {
  it('never calls the handler for an untrusted sender', async () => {
    const handlers = fakeHandlers();
    const log = vi.fn();
    const result = await callApi(handlers, 'appInfo', { senderFrame: { url: 'https://x/', parent: null } }, [], log);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(handlers.appInfo).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('untrusted sender'));
  });

  it('passes parsed arguments and wraps the value', async () => {
    const handlers = fakeHandlers();
    const result = await callApi(handlers, 'appInfo', trusted, []);
    expect(result).toMatchObject({ ok: true, value: { version: '1.0.0' } });
  });

  it('turns an engine error into its code and hint, not a thrown error', async () => {
    const handlers = fakeHandlers();
    const result = await callApi(handlers, 'inspectIso', trusted, ['/nope.iso']);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SOURCE_NOT_FOUND');
      expect(result.error.detail).toBe('/nope.iso');
    }
  });

  it('an unexpected exception becomes INTERNAL', async () => {
    const handlers = { ...fakeHandlers(), chooseIso: vi.fn(async () => { throw new TypeError('boom'); }) };
    const result = await callApi(handlers, 'chooseIso', trusted, []);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', detail: 'boom' } });
  });

  it('IPC fuzz (T33): arbitrary arguments are BAD_REQUEST or a valid call, never a throw', async () => {
    const handlers = fakeHandlers();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...API_METHODS), fc.array(fc.anything(), { maxLength: 4 }), async (method, args) => {
        const before = handlers[method].mock.calls.length;
        const result = await callApi(handlers, method, trusted, args);
        const called = handlers[method].mock.calls.length > before;
        if (!result.ok && result.error.code === 'BAD_REQUEST') expect(called).toBe(false);
        else expect(called).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('registerApi', () => {
  it('registers exactly one prefixed channel per contract method', () => {
    const channels: string[] = [];
    registerApi({ handle: (channel) => void channels.push(channel) }, fakeHandlers());
    expect(channels.sort()).toEqual(API_METHODS.map(channelOf).sort());
  });
});
