import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JwksStandIn {
  url: string;
  /** Every JWKS request so far, with its time (ms since epoch). */
  readonly hits: number[];
  hitsBetween(fromMs: number, toMs: number): number;
  close(): Promise<void>;
}

/**
 * The stand-in auth service: publishes the bench issuer's public key at /.well-known/jwks.json
 * and counts every fetch, so the flood scenario can show the gateway's refetch budget at work.
 * Anything else answers 404.
 */
export async function startJwksStandIn(publicJwks: object[]): Promise<JwksStandIn> {
  const body = JSON.stringify({ keys: publicJwks });
  const hits: number[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/jwks.json')) {
      hits.push(Date.now());
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }).end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    hitsBetween: (fromMs, toMs) => hits.filter((at) => at >= fromMs && at <= toMs).length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
