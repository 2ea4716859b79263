import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exitWithParent, reportToParent } from './child-role';

/** What every proxied request gets back: a small JSON document, like a short list answer. */
export const UPSTREAM_BODY = Buffer.from(
  JSON.stringify({ items: [{ id: 'b1e8f2c4', name: 'Desk lamp', price: 34.5 }], total: 1, limit: 20, offset: 0 }),
);

/**
 * The stand-in upstream behind every gateway scenario: answers any request with the same small
 * JSON on keep-alive connections, as cheaply as Node allows, so the figures are the proxies'.
 */
export async function runUpstream(): Promise<void> {
  const server = createServer((req, res) => {
    // Drain any body, then answer.
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': UPSTREAM_BODY.length });
    res.end(UPSTREAM_BODY);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  exitWithParent(() => {
    server.closeAllConnections();
  });
  reportToParent({ type: 'ready', port: (server.address() as AddressInfo).port });
}
