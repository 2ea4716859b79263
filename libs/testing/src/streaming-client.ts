import { connect } from 'node:net';

export interface StreamedBody {
  /** The body, or its size (that many spaces); written in `chunkBytes` pieces, `intervalMs` apart. */
  body: Buffer | number;
  chunkBytes?: number;
  intervalMs?: number;
  /** `chunked`: Transfer-Encoding: chunked; `length`: a Content-Length of the body's size. */
  framing: 'chunked' | 'length';
  headers?: Record<string, string>;
}

export interface StreamedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes written before the answer came (or the connection closed). */
  bytesSent: number;
  /** Whether the server closed the connection after answering. */
  closed: boolean;
  /** From the first byte written to the answer. */
  answeredAfterMs: number;
}

/**
 * A client that streams a request body the way an attacker would (big, chunked or not, slowly)
 * over a raw socket, and stops sending as soon as the server answers. It resolves once the
 * connection closes, or 300 ms after an answer if the server keeps it open.
 */
export function streamRequest(
  url: string,
  method: string,
  path: string,
  { body, chunkBytes = 16 * 1024, intervalMs = 0, framing, headers = {} }: StreamedBody,
): Promise<StreamedResponse> {
  const totalBytes = typeof body === 'number' ? body : body.length;
  const content = typeof body === 'number' ? undefined : body;
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const startedAt = Date.now();
    let received = '';
    let answeredAt = 0;
    let bytesSent = 0;
    let finished = false;
    const done = (closed: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(keptOpen);
      socket.destroy();
      const [head = '', ...rest] = received.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const responseHeaders: Record<string, string> = Object.fromEntries(
        headerLines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      const body = rest.join('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0),
        headers: responseHeaders,
        body: responseHeaders['transfer-encoding'] === 'chunked' ? dechunk(body) : body,
        bytesSent,
        closed,
        answeredAfterMs: (answeredAt || Date.now()) - startedAt,
      });
    };
    let keptOpen: NodeJS.Timeout | undefined;
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer in 30 s')));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      answeredAt ||= Date.now();
      keptOpen ??= setTimeout(() => done(false), 300);
    });
    // A reset after the answer (the server closed with our unsent bytes pending) still counts as closed.
    socket.on('error', (error) => (received ? done(true) : reject(error)));
    socket.on('close', () => done(true));
    const framingHeader = framing === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${totalBytes}`;
    socket.write(
      [
        `${method} ${path} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Content-Type: application/json',
        framingHeader,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        '',
        '',
      ].join('\r\n'),
    );
    const sendNext = () => {
      if (answeredAt || finished || socket.destroyed) return;
      if (bytesSent >= totalBytes) {
        if (framing === 'chunked') socket.write('0\r\n\r\n');
        return;
      }
      const size = Math.min(chunkBytes, totalBytes - bytesSent);
      const piece = content ? content.subarray(bytesSent, bytesSent + size) : Buffer.alloc(size, 0x20);
      bytesSent += size;
      const written =
        framing === 'chunked'
          ? socket.write(Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece, Buffer.from('\r\n')]))
          : socket.write(piece);
      if (intervalMs > 0) setTimeout(sendNext, intervalMs);
      else if (written) setImmediate(sendNext);
      else socket.once('drain', sendNext);
    };
    sendNext();
  });
}

function dechunk(text: string): string {
  let body = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
