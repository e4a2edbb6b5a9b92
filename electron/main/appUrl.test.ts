import { describe, expect, it } from 'vitest';
import { resolveAppUrl } from './appUrl';

const root = '/opt/stickwright/renderer/dist';

describe('resolveAppUrl', () => {
  it('serves files of the bundle', () => {
    expect(resolveAppUrl('app://stickwright/index.html', root)).toBe(`${root}/index.html`);
    expect(resolveAppUrl('app://stickwright/', root)).toBe(`${root}/index.html`);
    expect(resolveAppUrl('app://stickwright/assets/index-1.js', root)).toBe(`${root}/assets/index-1.js`);
  });
  it.each([
    'app://stickwright/../../../etc/passwd',
    'app://stickwright/%2e%2e/%2e%2e/etc/passwd',
    'app://stickwright/..%2f..%2fetc%2fpasswd',
    'app://stickwright/a%00b',
    'app://other/index.html',
    'file:///etc/passwd',
    'not a url',
    'app://stickwright/%E0%A4%A',
  ])('refuses %s', (url) => {
    const file = resolveAppUrl(url, root);
    if (file !== null) expect(file.startsWith(`${root}/`)).toBe(true);
    else expect(file).toBeNull();
  });
});
