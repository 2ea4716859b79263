import { classifyClaim, DATE_CLAIMS } from '../claims';
import type { Context } from '../context';
import { breakable, fill, h } from '../dom';
import { decodeToken, type DecodedToken } from '../jwt';
import { formatCountdown, formatEpoch, formatRelative, refreshLeadSeconds } from '../time';
import { verifySignature } from '../verify';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** Parts 2 and 3: the token as jwt.io shows it, its claims, a live countdown, and the signature checked with WebCrypto. */
export function tokenView(context: Context): { token: HTMLElement; signature: HTMLElement } {
  const encoded = h('p', { class: 'token', id: 'encoded-token', 'aria-label': 'Encoded access token' });
  const countdown = h('p', { class: 'countdown', role: 'timer', 'aria-live': 'off', id: 'countdown' });
  const refreshNote = h('p', { class: 'hint', id: 'refresh-note', 'aria-live': 'polite' });
  const headerJson = h('pre', { class: 'json', id: 'decoded-header', 'aria-labelledby': 'decoded-header-title' });
  const payloadJson = h('pre', { class: 'json', id: 'decoded-payload', 'aria-labelledby': 'decoded-payload-title' });
  const claimsBody = h('tbody');
  const empty = h('p', { class: 'empty' }, 'No token yet: log in above.');
  const details = h(
    'div',
    { class: 'token-details', hidden: true },
    h(
      'p',
      { class: 'legend', 'aria-hidden': 'true' },
      h('span', { class: 'part-header' }, 'header'),
      ' · ',
      h('span', { class: 'part-payload' }, 'payload'),
      ' · ',
      h('span', { class: 'part-signature' }, 'signature'),
    ),
    encoded,
    countdown,
    refreshNote,
    h(
      'div',
      { class: 'decoded' },
      h('div', null, h('h3', { id: 'decoded-header-title' }, 'Decoded header'), headerJson),
      h('div', null, h('h3', { id: 'decoded-payload-title' }, 'Decoded payload'), payloadJson),
    ),
    h(
      'table',
      { class: 'claims', id: 'claims' },
      h('caption', null, 'Claims in the payload'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Claim'),
          h('th', { scope: 'col' }, 'Value'),
          h('th', { scope: 'col' }, 'Kind and meaning'),
        ),
      ),
      claimsBody,
    ),
  );

  // Part 3
  const checkButton = h('button', { type: 'button', class: 'secondary' }, 'Check the signature again');
  const sigResult = h('div', { id: 'signature-result', 'aria-live': 'polite' });
  const sigEmpty = h('p', { class: 'empty' }, 'Log in to check a token.');

  let current: DecodedToken | undefined;
  let currentToken: string | undefined;
  let expiredShown = false;

  const renderClaims = (payload: Record<string, unknown>) => {
    const now = Date.now() / 1000;
    fill(
      claimsBody,
      Object.entries(payload).map(([name, value]) => {
        const info = classifyClaim(name);
        const dated =
          DATE_CLAIMS.has(name) && typeof value === 'number'
            ? h('span', { class: 'date' }, `${formatEpoch(value)} (${formatRelative(value - now)})`)
            : null;
        return h(
          'tr',
          { 'data-claim': name },
          h('th', { scope: 'row' }, h('code', null, breakable(name))),
          h(
            'td',
            null,
            h('code', null, breakable(typeof value === 'string' ? value : JSON.stringify(value))),
            dated ? [h('br'), dated] : null,
          ),
          h(
            'td',
            null,
            h('span', { class: `kind kind-${info.kind}` }, info.kind),
            ' ',
            h(
              'a',
              { href: info.link, rel: 'noopener noreferrer', target: '_blank', class: 'source' },
              info.source,
              h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
            ),
            h('span', { class: 'meaning' }, info.meaning),
          ),
        );
      }),
    );
  };

  const tick = () => {
    const tokens = context.session.tokens;
    if (!tokens) return;
    const left = context.session.secondsLeft();
    const lead = refreshLeadSeconds(tokens.expiresIn);
    // The moment it expires, check again: the signature still holds, but the token must now be refused.
    if (left <= 0 && !expiredShown) {
      expiredShown = true;
      void check();
    }
    countdown.className = left <= 0 ? 'countdown expired' : left < lead ? 'countdown soon' : 'countdown';
    countdown.textContent =
      left > 0 ? `Expires in ${formatCountdown(left)}` : `The access token has ${formatCountdown(left)}`;
  };
  setInterval(tick, 1000);

  const check = async () => {
    const token = currentToken;
    if (!token || !current) return;
    fill(sigResult, h('p', null, 'Checking with WebCrypto…'));
    const kid = typeof current.header['kid'] === 'string' ? current.header['kid'] : undefined;
    const jwks = await context.jwks(kid);
    if (token !== currentToken) return;
    if (!jwks.ok) {
      fill(sigResult, h('p', { class: 'status error' }, jwks.reason));
      return;
    }
    // "Now" by the issuer's clock (iat plus the time since this page received the token), so a skewed
    // local clock neither hides nor invents an expiry.
    const tokens = context.session.tokens;
    const iat = current.payload['iat'];
    const now =
      tokens?.accessToken === token && typeof iat === 'number'
        ? iat + (Date.now() - tokens.receivedAt) / 1000
        : Date.now() / 1000;
    const result = await verifySignature(token, jwks.jwks, globalThis.crypto?.subtle ?? null, now);
    if (token !== currentToken) return;
    fill(
      sigResult,
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Algorithm'),
        h('dd', null, h('code', null, String(result.alg)), ' (RSASSA-PKCS1-v1_5 with SHA-256)'),
        h('dt', null, 'Token kid'),
        h('dd', null, h('code', null, breakable(result.kid ?? '(none)'))),
        h('dt', null, 'Key it matched'),
        h(
          'dd',
          null,
          result.key
            ? [
                h('code', null, breakable(result.key.kid)),
                `, RSA ${result.key.modulusBits}-bit modulus, from /.well-known/jwks.json`,
              ]
            : 'none',
        ),
        h('dt', null, 'Result'),
        h(
          'dd',
          { id: 'signature-verdict', class: result.valid ? 'verdict ok' : 'verdict bad' },
          result.valid ? 'Signature valid' : result.summary,
        ),
      ),
      result.warnings.length
        ? h(
            'ul',
            { class: 'warnings' },
            result.warnings.map((w) => h('li', null, w)),
          )
        : null,
      h(
        'p',
        { class: 'hint' },
        'The key comes only from the system’s own JWKS URL; jku, x5u and jwk headers in a token are never followed.',
      ),
    );
  };
  checkButton.addEventListener('click', () => void check());

  context.onSessionChange((change, auto) => {
    const tokens = context.session.tokens;
    if (!tokens) {
      current = currentToken = undefined;
      details.hidden = true;
      empty.hidden = false;
      empty.textContent =
        change === 'logout' ? 'Logged out: the tokens are gone from this page’s memory.' : empty.textContent;
      sigEmpty.hidden = false;
      checkButton.hidden = true;
      fill(sigResult);
      return;
    }
    if (change === 'refresh-failed') {
      refreshNote.textContent = context.session.refreshRefused
        ? 'The refresh token was refused: this access token works until it expires, then log in again.'
        : 'The refresh failed; it is tried again in a few seconds.';
      return;
    }
    if (tokens.accessToken === currentToken) return;
    const decoded = decodeToken(tokens.accessToken);
    currentToken = tokens.accessToken;
    empty.hidden = true;
    sigEmpty.hidden = true;
    checkButton.hidden = false;
    if (!decoded.ok) {
      details.hidden = true;
      empty.hidden = false;
      empty.textContent = `The access token cannot be decoded: ${decoded.error}`;
      return;
    }
    current = decoded.token;
    expiredShown = false;
    details.hidden = false;
    const { parts } = decoded.token;
    fill(
      encoded,
      h('span', { class: 'part-header', 'data-part': 'header' }, parts.header),
      '.',
      h('span', { class: 'part-payload', 'data-part': 'payload' }, parts.payload),
      '.',
      h('span', { class: 'part-signature', 'data-part': 'signature' }, parts.signature),
    );
    headerJson.textContent = pretty(decoded.token.header);
    payloadJson.textContent = pretty(decoded.token.payload);
    renderClaims(decoded.token.payload);
    const lead = Math.round(refreshLeadSeconds(tokens.expiresIn));
    refreshNote.textContent =
      change === 'refresh'
        ? `${auto ? 'Refreshed automatically' : 'Refreshed'} at ${formatEpoch(tokens.receivedAt / 1000)}: a new pair; the old refresh token is now used. Next automatic refresh ${lead} s before expiry.`
        : `Refreshes automatically ${lead} s before expiry (one request, however many triggers).`;
    tick();
    void check();
  });

  const token = h(
    'section',
    { id: 'token', 'aria-labelledby': 'token-title' },
    h('h2', { id: 'token-title' }, 'The access token'),
    h(
      'p',
      null,
      'A signed JWT (RFC 7519, compact JWS): base64url header, payload and signature, separated by dots. Anyone can read it; only the issuer’s private key can sign it.',
    ),
    empty,
    details,
  );
  const signature = h(
    'section',
    { id: 'signature', 'aria-labelledby': 'signature-title' },
    h('h2', { id: 'signature-title' }, 'Signature check in this browser'),
    h(
      'p',
      null,
      'WebCrypto checks the RS256 signature with the public key from the system’s JWKS: the same check the gateway makes, with no call to the auth service.',
    ),
    sigEmpty,
    sigResult,
    checkButton,
  );
  checkButton.hidden = true;
  return { token, signature };
}
