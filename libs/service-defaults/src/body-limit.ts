import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTimeoutError, PayloadTooLargeError, writeHttpError, type HttpError } from '@jwt-msa/http-errors';

export interface BodyLimits {
  /** Most bytes of body any consumer of the request may see. */
  limitBytes: number;
  /** How long the whole body may take to arrive. */
  timeoutMs: number;
}

type Next = (error?: unknown) => void;
type Push = IncomingMessage['push'];

/**
 * Enforces the body limit while the body streams, whoever reads it (express.json at a service,
 * the proxy at the gateway): bytes are counted as node's HTTP parser hands them to the request
 * stream, and the byte that crosses the limit is never passed on, so no consumer and no upstream
 * sees more than `limitBytes`. A declared Content-Length over the limit is refused before any
 * byte is read. Crossing the limit answers 413, a body still incomplete after `timeoutMs` 408
 * (both JSON, `Connection: close`), and the socket is closed once the answer is flushed: reading
 * on would let a sender hold the connection for as long as it keeps sending.
 *
 * Plain node:http request and response, so it runs in front of any router.
 */
export function limitRequestBody({ limitBytes, timeoutMs }: BodyLimits) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const chunked = req.headers['transfer-encoding'] !== undefined;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!chunked && declared === 0) return next();

    let refused = false;
    const refuse = (error: HttpError) => {
      if (refused) return;
      refused = true;
      clearTimeout(timer);
      const socket = req.socket;
      if (res.headersSent) {
        socket.destroy();
        return;
      }
      res.once('finish', () => socket.end(() => socket.destroy()));
      writeHttpError(res, error, { connection: 'close' });
    };
    const timer = setTimeout(() => refuse(new BodyTimeoutError(timeoutMs)), timeoutMs).unref();
    req.once('close', () => clearTimeout(timer));

    if (!chunked && declared > limitBytes) return refuse(new PayloadTooLargeError(limitBytes));
    // Whatever the parser had already buffered when this request reached us counts too.
    let received = req.readableLength;
    const push: Push = req.push.bind(req);
    req.push = (chunk: Buffer | null, encoding?: BufferEncoding) => {
      if (refused) return false;
      if (chunk === null) {
        clearTimeout(timer);
        return push(chunk, encoding);
      }
      received += chunk.length;
      if (received > limitBytes) {
        refuse(new PayloadTooLargeError(limitBytes));
        return false;
      }
      return push(chunk, encoding);
    };
    if (received > limitBytes) return refuse(new PayloadTooLargeError(limitBytes));
    next();
  };
}
