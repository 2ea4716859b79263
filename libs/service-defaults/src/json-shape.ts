import { HttpError } from '@jwt-msa/http-errors';

/** No request of any service nests deeper than a few levels; this leaves room and stops recursion bombs. */
export const MAX_JSON_DEPTH = 16;
/** Object members in one body, all levels together. */
export const MAX_JSON_KEYS = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPENERS = new Set([0x7b, 0x5b]);
const CLOSERS = new Set([0x7d, 0x5d]);

/**
 * Bounds a JSON body's shape before it is parsed: nesting depth and the number of object members,
 * in one pass over the raw bytes (the structural characters are ASCII, so no UTF-8 sequence can
 * contain one). A body within the byte limit can still nest thousands of levels or hold
 * thousands of keys, which costs every later walk over it (validation, logging, spreading).
 */
export function assertJsonShape(body: Buffer): void {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i]!;
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPENERS.has(byte)) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) {
        throw new HttpError(400, 'json_too_deep', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
      }
    } else if (CLOSERS.has(byte)) {
      depth -= 1;
    } else if (byte === COLON) {
      keys += 1;
      if (keys > MAX_JSON_KEYS) {
        throw new HttpError(400, 'json_too_many_keys', `The JSON body has more than ${MAX_JSON_KEYS} keys`);
      }
    }
  }
}
