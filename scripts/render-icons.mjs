// node scripts/render-icons.mjs: renders the app icon's PNGs from its SVG sources with Debian's
// Chromium (through Playwright), on a transparent background.
//   assets/icon.svg          the icon (48 px and up)
//   assets/icon-small.svg    the same drawing simplified for 16–32 px (fewer, thicker shapes)
//   → assets/icons/NxN.png   electron-builder's Linux icon set (hicolor sizes)
//   → assets/icon.png        1024 px, which electron-builder converts to .ico (Windows) and .icns (macOS)
// The PNGs are committed: packaging never renders them. Run this after changing an SVG.
import { chromium } from 'playwright';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const assets = path.join(root, 'assets');
const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const SMALL_UP_TO = 32;

const svg = {
  large: readFileSync(path.join(assets, 'icon.svg'), 'utf8'),
  small: readFileSync(path.join(assets, 'icon-small.svg'), 'utf8'),
};

function page(source, size) {
  // The SVG as an <img> scaled to exactly size×size CSS pixels at device scale 1.
  const url = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
  return `<!doctype html><html><head><style>
    html, body { margin: 0; padding: 0; background: transparent; }
    img { display: block; width: ${size}px; height: ${size}px; }
  </style></head><body><img src="${url}" alt=""></body></html>`;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  mkdirSync(path.join(assets, 'icons'), { recursive: true });
  for (const size of ICON_SIZES) {
    const context = await browser.newContext({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const tab = await context.newPage();
    await tab.setContent(page(size <= SMALL_UP_TO ? svg.small : svg.large, size));
    await tab.locator('img').evaluate((img) => img.decode());
    const png = await tab.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    writeFileSync(path.join(assets, 'icons', `${size}x${size}.png`), png);
    if (size === 1024) writeFileSync(path.join(assets, 'icon.png'), png);
    await context.close();
    console.log(`render-icons: assets/icons/${size}x${size}.png`);
  }
  console.log('render-icons: assets/icon.png (1024)');
} finally {
  await browser.close();
}
