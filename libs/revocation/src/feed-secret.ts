import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether an `Authorization` header carries the feed secret. Both sides are hashed first, so the
 * comparison takes the same time whatever the header's length or content (no timing oracle).
 */
export function carriesFeedSecret(authorization: string | undefined, secret: string): boolean {
  if (secret === '' || authorization === undefined) return false;
  return timingSafeEqual(digest(authorization), digest(`Bearer ${secret}`));
}
