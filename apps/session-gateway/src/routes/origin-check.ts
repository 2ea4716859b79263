import type { IncomingMessage } from 'node:http';
import { HttpError } from '@jwt-msa/http-errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence in depth beside SameSite=Strict: an unsafe request whose `Origin` is not an allowed
 * one gets 403 before anything else (OWASP CSRF cheat sheet, "verifying origin with standard
 * headers"). Browsers send `Origin` on every cross-origin request and on same-origin POSTs, so a
 * request without one is not a browser's cross-site request (curl, the demo) and passes; the
 * opaque `Origin: null` (sandboxed frames, some redirects) does not.
 */
export function originCheck({
  allowed,
  secure,
}: {
  allowed: readonly string[];
  secure: boolean;
}): (req: IncomingMessage) => void {
  return (req) => {
    const origin = req.headers.origin;
    if (SAFE_METHODS.has(req.method ?? 'GET') || origin === undefined) return;
    const own = `${secure ? 'https' : 'http'}://${req.headers.host ?? ''}`;
    const permitted = allowed.length > 0 ? allowed.includes(origin) : origin === own;
    if (!permitted) throw new HttpError(403, 'origin_not_allowed', 'Requests from this origin are not allowed');
  };
}
