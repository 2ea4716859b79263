import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

declare module 'node:http' {
  interface ServerResponse {
    /**
     * Per-response state, typed by declaration merging (`Express.Locals`). Express sets it for
     * the domain services; on an edge, whose router runs on node's own objects, requestContext does.
     */
    locals: Express.Locals;
  }
}

/**
 * A JSON answer with node's own API, so one implementation serves both presets: express's
 * response helpers exist only on an express app's objects, and the edge runs without one.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: OutgoingHttpHeaders): void {
  const payload = JSON.stringify(body);
  if (headers) for (const name of Object.keys(headers)) res.setHeader(name, headers[name]!);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.end(payload);
}

/** The request's path without its query string (express's `req.path`, for node's request). */
export function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
