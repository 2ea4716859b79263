import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

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

const DEAD_PORTS = { first: 600, last: 1023 };
let nextDeadPort = DEAD_PORTS.first;

/**
 * A loopback port nothing listens on: connections to it are refused. Taken below 1024, outside the
 * ephemeral range the OS picks port-0 listeners from, so a server that a test running in parallel
 * starts cannot land on it between this check and its use; a free ephemeral port could be taken,
 * and once was (a "dead" replica answered 200 in CI). A different port on each call.
 */
export async function deadPort(): Promise<number> {
  for (let tries = 0; tries <= DEAD_PORTS.last - DEAD_PORTS.first; tries += 1) {
    const port = nextDeadPort;
    nextDeadPort = port === DEAD_PORTS.last ? DEAD_PORTS.first : port + 1;
    if (await isRefused(port)) return port;
  }
  throw new Error(`every loopback port from ${DEAD_PORTS.first} to ${DEAD_PORTS.last} accepts connections`);
}

function isRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
