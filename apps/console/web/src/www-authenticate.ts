/** RFC 7235 challenges, e.g. `Bearer realm="jwt-msa", error="invalid_token", error_description="..."`. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/** Parses a WWW-Authenticate value into its challenges (auth-param form; token68 is not needed here). Never throws. */
export function parseWwwAuthenticate(header: string | null | undefined): Challenge[] {
  const challenges: Challenge[] = [];
  if (!header) return challenges;
  const text = header;
  let pos = 0;
  const skip = (pattern: RegExp) => {
    while (pos < text.length && pattern.test(text[pos]!)) pos += 1;
  };
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = pos;
    const found = pattern.exec(text);
    if (!found) return undefined;
    pos = pattern.lastIndex;
    return found[0];
  };
  const quoted = (): string => {
    pos += 1; // opening quote
    let value = '';
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\' && pos + 1 < text.length) pos += 1;
      value += text[pos];
      pos += 1;
    }
    pos += 1; // closing quote
    return value;
  };

  while (pos < text.length) {
    skip(/[\s,]/);
    const scheme = match(TOKEN);
    if (!scheme) {
      pos += 1;
      continue;
    }
    const challenge: Challenge = { scheme, params: {} };
    challenges.push(challenge);
    skip(/[ \t]/);
    // auth-params (name=value, ...) until the next scheme (a token not followed by "=")
    for (;;) {
      const start = pos;
      skip(/[\s,]/);
      const name = match(TOKEN);
      if (!name) {
        pos = start;
        break;
      }
      skip(/[ \t]/);
      if (text[pos] !== '=') {
        pos = start; // a new challenge's scheme
        break;
      }
      pos += 1;
      skip(/[ \t]/);
      if (text[pos] === '"') challenge.params[name.toLowerCase()] = quoted();
      else challenge.params[name.toLowerCase()] = match(TOKEN) ?? '';
    }
  }
  return challenges;
}

const ERROR_WORDS: Record<string, string> = {
  invalid_token: 'the token was refused',
  invalid_request: 'the request was malformed',
  insufficient_scope: 'the token does not grant enough access',
};

/** Why a resource server refused a token, in plain words (RFC 6750 §3). */
export function explainChallenge(header: string | null | undefined): string {
  const bearer = parseWwwAuthenticate(header).find((c) => c.scheme.toLowerCase() === 'bearer');
  if (!bearer) return header ? `Refused (${header})` : 'Refused without an explanation';
  const { error, error_description: description } = bearer.params;
  if (!error) return 'No token was sent: this route needs "Authorization: Bearer <token>"';
  const words = ERROR_WORDS[error] ?? error;
  const hint = description ? hintFor(description) : '';
  return `${words[0]!.toUpperCase()}${words.slice(1)}: ${description ?? error}${description?.endsWith('.') ? '' : '.'}${hint ? ` ${hint}` : ''}`;
}

function hintFor(description: string): string {
  const text = description.toLowerCase();
  if (text.includes('signature'))
    return 'The header or payload was changed after signing, so the signature no longer matches.';
  if (text.includes('expired')) return 'Its exp is in the past: refresh to get a new one.';
  if (text.includes('compact jws'))
    return 'A signed token is three non-empty base64url parts; an unsigned ("alg: none") token has an empty third part.';
  if (text.includes('algorithm')) return 'The gateway accepts RS256 only, so "none" and HMAC tricks fail.';
  if (text.includes('unknown key') || text.includes('kid')) return 'No key with this kid is in the JWKS.';
  if (text.includes('issuer')) return 'Its iss is not the issuer the gateway trusts.';
  if (text.includes('audience')) return 'Its aud does not name this API.';
  if (text.includes('revoked'))
    return 'A logout, logout-all, refresh-token reuse or an admin ended it; every gateway holds that in memory.';
  return '';
}
