import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REVOCATION_FEED_PATH, type RevocationEntry } from '@jwt-msa/revocation';
import { REVOCATION_ENTRIES, REVOCATION_FEED_SECRET } from './bench-settings';

export interface JwksStandIn {
  url: string;
  /** Every JWKS request so far, with its time (ms since epoch). */
  readonly hits: number[];
  hitsBetween(fromMs: number, toMs: number): number;
  close(): Promise<void>;
}

const FULL_PAGE_SIZE = 5000;

/**
 * REVOCATION_ENTRIES live revocations of other users' tokens: by jti, by sid and per-user cutoffs,
 * in the proportions a busy issuer would hold them.
 */
function liveRevocations(): RevocationEntry[] {
  const now = Date.now();
  return Array.from({ length: REVOCATION_ENTRIES }, (_, i): RevocationEntry => {
    const kind = i % 10 === 0 ? 'subject' : i % 2 === 0 ? 'session' : 'token';
    const subject = randomUUID();
    return {
      seq: i + 1,
      kind,
      id: kind === 'subject' ? subject : randomUUID(),
      subject,
      issuedUntilMs: now,
      expiresAtMs: now + 3_600_000,
      revokedAtMs: now,
    };
  });
}

/**
 * The stand-in auth service: publishes the bench issuer's public key at /.well-known/jwks.json
 * and counts every fetch, so the flood scenario can show the gateway's refetch budget at work;
 * serves the revocation feed (REVOCATION_ENTRIES live entries, then long polls that find nothing
 * new) to a gateway holding the feed secret. Anything else answers 404.
 */
export async function startJwksStandIn(publicJwks: object[]): Promise<JwksStandIn> {
  const body = JSON.stringify({ keys: publicJwks });
  const revocations = liveRevocations();
  const hits: number[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/jwks.json')) {
      hits.push(Date.now());
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }).end(body);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname === REVOCATION_FEED_PATH && req.headers.authorization === `Bearer ${REVOCATION_FEED_SECRET}`) {
      const json = (page: object) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
      if (url.searchParams.get('after') === null) {
        // As the auth service pages a full list.
        const from = Number(url.searchParams.get('from') ?? 0);
        const entries = revocations.slice(from, from + FULL_PAGE_SIZE);
        const more = from + entries.length < revocations.length;
        json({ cursor: revocations.length, full: true, entries, ...(more && { next: from + entries.length }) });
      } else {
        const wait = setTimeout(
          () => json({ cursor: revocations.length, full: false, entries: [] }),
          Number(url.searchParams.get('waitMs') ?? 0),
        );
        res.on('close', () => clearTimeout(wait));
      }
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
