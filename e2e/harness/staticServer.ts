// Serves the built renderer bundle on 127.0.0.1 for Chromium, the way app:// serves it in the
// app: the same resolveAppUrl decides which file a request gets.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveAppUrl } from '../../electron/main/appUrl';
import { APP_ORIGIN } from '../../electron/main/windowOptions';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveBundle(bundleDir: string): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const file = resolveAppUrl(`${APP_ORIGIN}${req.url ?? '/'}`, bundleDir);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/index.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
