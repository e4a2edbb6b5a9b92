// The built renderer in Chromium with the real main-process handlers behind window.stickwright.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchApp, type AppHarness } from './harness/launchApp';
import { fixtureFile } from './fixtures/fixture';

const artifacts = path.resolve('test-results', 'renderer');
mkdirSync(artifacts, { recursive: true });

let app: AppHarness | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('renderer bundle', () => {
  it('the built HTML carries a strict CSP (T30)', () => {
    const html = readFileSync('renderer/dist/index.html', 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline scripts in the bundle
  });

  it('an injected inline script is blocked by the CSP (T30)', async () => {
    app = await launchApp();
    const outcome = await app.page.evaluate(async () => {
      const violation = new Promise<string>((resolve) =>
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true }),
      );
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      const directive = await Promise.race([violation, new Promise<string>((r) => setTimeout(() => r('none'), 2000))]);
      return { directive, ran: (window as unknown as { __injected?: boolean }).__injected === true };
    });
    expect(outcome.ran).toBe(false);
    expect(outcome.directive).toMatch(/^script-src/);
  });

  it('choosing the fixture ISO shows what inspect found', async () => {
    const iso = fixtureFile('liveos', 'image.iso');
    app = await launchApp({ pickIsoFile: async () => iso });
    const { page } = app;
    await expect.poll(() => page.getByRole('note').textContent()).toContain('can inspect images');
    await page.getByRole('button', { name: 'Choose ISO…' }).click();
    const details = page.getByRole('definition');
    await expect.poll(() => page.getByLabel('Image details').textContent(), { timeout: 15_000 }).toContain('SW-FIXTURE');
    const text = await page.getByLabel('Image details').textContent();
    expect(text).toContain('Fedora-style live image (dracut LiveOS)');
    expect(text).toMatch(/device-mapper snapshot/);
    expect(await details.count()).toBeGreaterThan(3);
    expect(app.calls).toEqual(expect.arrayContaining(['appInfo', 'chooseIso', 'inspectIso']));
    await page.screenshot({ path: path.join(artifacts, 'image-step.png'), fullPage: true });
  });

  it('a bad image shows the error code and what to do, not a stack trace', async () => {
    app = await launchApp({ pickIsoFile: async () => '/nonexistent/stickwright-test.iso' });
    const { page } = app;
    await page.getByRole('button', { name: 'Choose ISO…' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('SOURCE_NOT_FOUND');
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('Check the path');
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
