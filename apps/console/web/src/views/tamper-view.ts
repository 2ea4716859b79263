import { request } from '../api';
import { IS_ADMIN_CLAIM } from '../claims';
import type { Context } from '../context';
import { fill, h, StatusLine } from '../dom';
import { decodeToken, encodeToken, parsePayloadJson, type DecodedToken } from '../jwt';
import { verifySignature } from '../verify';

const TARGET = '/api/profile/me';

/** Part 5: change the payload, keep the original signature, and watch the gateway refuse it. */
export function tamperView(context: Context): HTMLElement {
  const status = new StatusLine('tamper-status');
  const textarea = h('textarea', {
    id: 'tamper-payload',
    rows: '12',
    spellcheck: 'false',
    autocapitalize: 'none',
    'aria-describedby': 'tamper-hint',
  });
  const result = h('div', { id: 'tamper-result', 'aria-live': 'polite' });
  let original: DecodedToken | undefined;

  const edit = (change: (payload: Record<string, unknown>) => void, what: string) => {
    const parsed = parsePayloadJson(textarea.value);
    if (!parsed.ok) {
      status.error(parsed.error);
      return;
    }
    change(parsed.payload);
    textarea.value = JSON.stringify(parsed.payload, null, 2);
    status.info(`${what}. The signature still belongs to the original payload.`);
  };

  const send = async (variant: 'tampered' | 'alg: none') => {
    if (!original || !context.session.tokens) {
      status.error('Log in first: there is no token to tamper with.');
      return;
    }
    const parsed = parsePayloadJson(textarea.value);
    if (!parsed.ok) {
      status.error(parsed.error);
      return;
    }
    const token =
      variant === 'tampered'
        ? encodeToken(original.header, parsed.payload, original.parts.signature)
        : encodeToken({ alg: 'none', typ: 'at+jwt', kid: original.header['kid'] }, parsed.payload, '');
    const jwks = await context.jwks();
    const local = jwks.ok ? await verifySignature(token, jwks.jwks) : undefined;
    const record = await request('GET', TARGET, {
      token,
      label: variant === 'tampered' ? 'tampered token' : 'alg: none token',
    });
    context.acted('api');
    const verdict =
      record.status === 401
        ? `Refused: ${record.status}. ${record.note}`
        : record.status === null
          ? `No answer: ${record.note}`
          : `Unexpected: ${record.status}${record.note ? `. ${record.note}` : ''}`;
    (record.status === 401 ? status.ok : status.error).call(
      status,
      `GET ${TARGET} with the ${variant} token: ${verdict}`,
    );
    fill(
      result,
      h('h3', null, variant === 'tampered' ? 'The tampered token' : 'The alg: none token'),
      h('p', { class: 'token small' }, token),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'In this browser'),
        h('dd', null, local ? (local.valid ? 'Signature valid' : local.summary) : 'JWKS unavailable'),
        local?.warnings.length ? [h('dt', null, 'Warnings'), h('dd', null, local.warnings.join(' '))] : null,
        h('dt', null, 'The gateway'),
        h('dd', { id: 'tamper-verdict' }, verdict),
      ),
    );
  };

  context.onSessionChange((change) => {
    const tokens = context.session.tokens;
    if (!tokens) {
      original = undefined;
      textarea.value = '';
      fill(result);
      return;
    }
    if (change !== 'login' && change !== 'refresh') return;
    const untouched = !original || textarea.value === JSON.stringify(original.payload, null, 2);
    const decoded = decodeToken(tokens.accessToken);
    original = decoded.ok ? decoded.token : undefined;
    // A refresh keeps the learner's edits; it only changes which signature is reused.
    if (original && (change === 'login' || untouched)) textarea.value = JSON.stringify(original.payload, null, 2);
  });

  return h(
    'section',
    { id: 'tamper', 'aria-labelledby': 'tamper-title' },
    h('h2', { id: 'tamper-title' }, 'Tamper with the token'),
    h(
      'p',
      null,
      'Edit the payload, re-encode it with the original signature, and send it. Reading a JWT needs no key; forging one needs the issuer’s private key.',
    ),
    h('label', { for: 'tamper-payload' }, 'Payload JSON'),
    textarea,
    h('p', { id: 'tamper-hint', class: 'hint' }, 'Log in to fill it with your token’s payload.'),
    h(
      'div',
      { class: 'buttons' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () =>
            edit((payload) => {
              const roles = Array.isArray(payload['roles']) ? (payload['roles'] as unknown[]) : [];
              payload['roles'] = roles.includes('admin') ? roles : [...roles, 'admin'];
              payload[IS_ADMIN_CLAIM] = true;
            }, 'Added the admin role (and set the is_admin claim)'),
        },
        'Add the admin role',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () =>
            edit((payload) => {
              payload['sub'] = '00000000-0000-4000-8000-000000000000';
            }, 'Changed sub to somebody else’s id'),
        },
        'Change sub',
      ),
    ),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', onclick: () => void send('tampered') }, `Send the tampered token to GET ${TARGET}`),
      h(
        'button',
        { type: 'button', onclick: () => void send('alg: none') },
        `Send an alg: none token to GET ${TARGET}`,
      ),
    ),
    status.element,
    result,
  );
}
