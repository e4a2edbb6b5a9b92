// app://stickwright/<path> → a file under the renderer bundle, or null. Nothing outside the
// bundle is ever served: no "..", no absolute paths, no other hosts.
import path from 'node:path';
import { APP_ORIGIN } from './windowOptions';

export function resolveAppUrl(requestUrl: string, bundleDir: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = path.resolve(bundleDir);
  const file = path.resolve(root, relative);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}
