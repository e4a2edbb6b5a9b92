import { describe, expect, it } from 'vitest';
import { StickwrightError } from '../../../shared/errors';
import { asCancelled } from './asCancelled';

describe('asCancelled', () => {
  it('keeps a CANCELLED error that already says the target state', () => {
    const error = new StickwrightError('CANCELLED', 'not confirmed; nothing was written to /t', { targetTouched: false });
    expect(asCancelled(error, '/t', 'copy')).toBe(error);
  });

  it('turns any engine failure that names the target state into CANCELLED with that state', () => {
    const killed = new StickwrightError('WRITE_FAILED', 'filling F2FS: sload.f2fs exited with SIGINT; the target was wiped but has no partition table yet', {
      program: 'sload.f2fs',
      targetTouched: true,
    });
    const mapped = asCancelled(killed, '/t', 'format');
    expect(mapped.code).toBe('CANCELLED');
    expect(mapped.detail).toBe(killed.detail);
    expect(mapped.data).toEqual(killed.data);
    expect(mapped.cause).toBe(killed);
  });

  it('without a stated target state: untouched before the partition phase, incomplete after', () => {
    const before = asCancelled(new StickwrightError('CANCELLED', 'before the preflight'), '/t', 'preflight');
    expect(before.code).toBe('CANCELLED');
    expect(before.detail).toBe('before the preflight; nothing was written to /t');
    expect(before.data.targetTouched).toBe(false);
    expect(asCancelled(new Error('boom'), '/t', null).data.targetTouched).toBe(false);

    const after = asCancelled(new Error('EIO'), '/dev/sdz', 'copy');
    expect(after.code).toBe('CANCELLED');
    expect(after.detail).toMatch(/^\/dev\/sdz is incomplete \(no partition table\) and must be written again$/);
    expect(after.data.targetTouched).toBe(true);
  });
});
