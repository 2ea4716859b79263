import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getFreePort } from '@jwt-msa/local-postgres';

/** One request as a recording server received it. */
export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to answer: JSON (`body` serialized) unless a string; `'hang'` never answers. */
export type Reply = { status?: number; headers?: Record<string, string>; body?: unknown } | 'hang';

export interface RecordingServer {
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: Recorded[];
  /** Body bytes received in all, including requests that never completed (aborted mid-body). */
  bodyBytesReceived(): number;
  close(): Promise<void>;
}

/**
 * A real loopback HTTP server that records each request (body included) and answers as told:
 * a stand-in upstream, JWKS endpoint or attacker's server. 127.0.0.0/8 is all loopback, so
 * several can share a port on different addresses (`host`).
 */
export async function recordingServer(
  answer: (request: Recorded) => Reply | Promise<Reply> = () => ({ body: {} }),
  { host = '127.0.0.1', port = 0 }: { host?: string; port?: number } = {},
): Promise<RecordingServer> {
  const requests: Recorded[] = [];
  let bodyBytes = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(recorded);
      void Promise.resolve(answer(recorded)).then((reply) => {
        if (reply === 'hang') return;
        const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    requests,
    bodyBytesReceived: () => bodyBytes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on: connections to it are refused. */
export async function deadPort(): Promise<number> {
  return getFreePort();
}
