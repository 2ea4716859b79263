import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { envOrThrow, exitWithParent, reportToParent } from './child-role';

/**
 * Reference point: the least a Node proxy can do. Node's http server, one keep-alive agent with
 * the gateway's settings, headers and bodies piped both ways, no framework, no checks.
 */
export async function runPlainProxy(): Promise<void> {
  const upstream = new URL(envOrThrow('UPSTREAM_URL'));
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 30_000 });
  const server = createServer((req, res) => {
    const proxied = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    proxied.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(proxied);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  exitWithParent(() => {
    server.closeAllConnections();
  });
  reportToParent({ type: 'ready', port: (server.address() as AddressInfo).port });
}
