import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Browser-test helpers: Debian's chromium driven by playwright-core (no downloaded browsers), and
 * a same-origin server for the console until the gateway routes /console/* itself.
 */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Headless chromium with a fresh profile. Playwright refuses `--user-data-dir` in launch() args:
 * it creates a fresh temporary profile directory itself and removes it when the browser closes.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `No chromium at ${CHROMIUM_PATH}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH). ` +
        '`npx playwright install` cannot work here: there is no network but npm and apt.',
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The CSP the system will serve the console with. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `publicDir` at /console/ (with the CSP) and forwards every other path, /console/api/*
 * included, to the gateway: one origin for the page and the API, as the system will serve it.
 */
export async function serveConsole(options: { publicDir: string; gatewayUrl: string }): Promise<ConsoleServer> {
  const gateway = new URL(options.gatewayUrl);
  const root = path.resolve(options.publicDir);

  const serveFile = async (pathname: string, res: ServerResponse) => {
    const relative = pathname === '/console/' ? 'index.html' : decodeURIComponent(pathname.slice('/console/'.length));
    const file = path.resolve(root, relative);
    const headers = {
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    };
    if (!file.startsWith(`${root}${path.sep}`) || !TYPES[path.extname(file)]) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)]! }).end(body);
    } catch {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
    }
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = httpRequest(
      { hostname: gateway.hostname, port: gateway.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers: string[] = [];
        for (let i = 0; i < answer.rawHeaders.length; i += 2)
          if (!HOP_BY_HOP.has(answer.rawHeaders[i]!.toLowerCase()))
            headers.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy();
      res
        .writeHead(502, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'bad_gateway', message: 'The gateway cannot be reached' }));
    });
    req.pipe(upstream);
  };

  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://console.invalid').pathname;
    if (pathname === '/console') res.writeHead(308, { location: '/console/' }).end();
    else if (pathname.startsWith('/console/') && !pathname.startsWith('/console/api/')) void serveFile(pathname, res);
    else forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
