import { notOffered, request, type CallRecord } from '../api';
import type { Context } from '../context';
import { REVOKED_REASON_WORDS, revocationLagOf, sessionsOf, type SessionFamily } from '../contracts';
import { fill, h, StatusLine, svg } from '../dom';
import { formatIsoShort } from '../time';

const why = (record: CallRecord) =>
  record.status === null ? 'the gateway cannot be reached' : `HTTP ${record.status}`;

/** Part 6: refresh (single-flight), replay the rotated refresh token, log out, and the session timeline. */
export function sessionsView(context: Context): HTMLElement {
  const status = new StatusLine('sessions-status');
  const timeline = h(
    'div',
    { id: 'timeline', 'aria-live': 'polite' },
    h('p', { class: 'empty' }, 'Log in to see your logins and refresh families.'),
  );
  const lag = h('div', { id: 'revocation-lag', 'aria-live': 'polite' });

  const loadTimeline = async (token: string | undefined) => {
    if (!token) return;
    const record = await request('GET', '/auth/sessions', { token });
    if (notOffered(record)) {
      fill(
        timeline,
        h(
          'p',
          { class: 'not-offered' },
          `The system does not offer the session list yet (GET /auth/sessions answered ${record.status}).`,
        ),
      );
      return;
    }
    const sessions = record.status === 200 ? sessionsOf(record.body) : undefined;
    if (!sessions) {
      fill(
        timeline,
        h('p', { class: 'status error' }, `The session list could not be loaded: ${record.note || why(record)}.`),
      );
      return;
    }
    fill(timeline, drawTimeline(sessions));
  };

  const measureLag = async (token: string) => {
    fill(lag, h('p', null, 'Measuring how long the gateways keep accepting the revoked access token…'));
    const record = await request('POST', '/console/api/revocation-lag', { json: { token } });
    if (notOffered(record)) {
      fill(
        lag,
        h(
          'p',
          { class: 'not-offered' },
          `The system does not offer a revocation-lag measurement yet (POST /console/api/revocation-lag answered ${record.status}). Without a revocation list, a gateway accepts an access token until its exp: logging out ends the refresh family, not the access token already issued.`,
        ),
      );
      return;
    }
    const result = record.status === 200 ? revocationLagOf(record.body) : undefined;
    if (!result) {
      fill(
        lag,
        h('p', { class: 'status error' }, `The revocation lag could not be measured: ${record.note || why(record)}.`),
      );
      return;
    }
    const ms = (value: number | null) => (value === null ? 'still accepted' : `refused after ${value} ms`);
    fill(
      lag,
      h('h3', null, 'Revocation lag'),
      h(
        'ul',
        { class: 'plain' },
        result.gateways.map((g) => h('li', null, h('code', null, g.instance), `: ${ms(g.refusedAfterMs)}`)),
      ),
      h(
        'p',
        null,
        result.maxMs === null
          ? 'Some gateway still accepts the revoked token.'
          : `Every gateway refused it within ${result.maxMs} ms.`,
      ),
    );
  };

  const requireLogin = () => {
    if (context.session.tokens) return true;
    status.error('Log in first: there is no session in this page.');
    return false;
  };

  const refresh = async () => {
    if (!requireLogin()) return;
    status.info('Refreshing…');
    const outcome = await context.session.refresh();
    if (outcome.ok)
      status.ok('Refreshed (200): a new access token and a new refresh token; the old refresh token is now used up.');
    else if (outcome.status === 401)
      status.error(
        `Refresh refused (401): ${outcome.reason}. This login’s refresh family is over: log in again once the access token expires.`,
      );
    else if (outcome.status === null && !context.session.tokens) status.error(outcome.reason);
    else status.error(`Refresh failed: ${outcome.reason}`);
    await loadTimeline(context.session.tokens?.accessToken);
  };

  const replay = async () => {
    if (!requireLogin()) return;
    const old = context.session.previousRefreshToken;
    if (!old) {
      status.error('Refresh once first: there is no rotated (used) refresh token to replay yet.');
      return;
    }
    const record = await request('POST', '/auth/refresh', { json: { refresh_token: old }, label: 'old refresh token' });
    context.acted('refresh');
    if (record.status === 401) {
      context.session.refreshRefused = true;
      status.ok(
        `Replay refused (401 ${(record.body as { error?: string } | undefined)?.error ?? ''}): the auth service saw a used refresh token come back and revoked the whole family (reason: reuse). Your current refresh token is dead too, and so, by the family's sid, is every access token it issued, this page's included: each gateway refuses it once the revocation reaches it.`,
      );
    } else if (record.status === 200)
      status.error('The old refresh token was accepted: refresh-token rotation is not enforced!');
    else status.error(`Replay: ${record.note || why(record)}`);
    await loadTimeline(context.session.tokens?.accessToken);
  };

  const logout = async (everywhere: boolean) => {
    if (!requireLogin()) return;
    const tokens = context.session.tokens!;
    const record = everywhere
      ? await request('POST', '/auth/logout-all', { token: tokens.accessToken })
      : await request('POST', '/auth/logout', {
          token: tokens.accessToken,
          json: { refresh_token: tokens.refreshToken },
        });
    context.acted('logout');
    if (everywhere && notOffered(record)) {
      status.error(
        `The system does not offer “log out everywhere” yet (POST /auth/logout-all answered ${record.status}). You are still logged in.`,
      );
      return;
    }
    if (record.status !== 204) {
      status.error(`Log out failed: ${record.note || why(record)}. You are still logged in.`);
      return;
    }
    context.session.end();
    status.ok(
      everywhere
        ? 'Logged out everywhere (204): every refresh family of this user is revoked, and this page forgot its tokens.'
        : 'Logged out (204): this login’s refresh family is revoked, and this page forgot its tokens.',
    );
    await loadTimeline(tokens.accessToken);
    await measureLag(tokens.accessToken);
  };

  context.onSessionChange((change) => {
    if (change === 'login') {
      fill(lag);
      void loadTimeline(context.session.tokens?.accessToken);
    }
  });

  return h(
    'section',
    { id: 'sessions', 'aria-labelledby': 'sessions-title' },
    h('h2', { id: 'sessions-title' }, 'Refresh and sessions'),
    h(
      'p',
      null,
      'The refresh token is the only server-side state: single use, rotated on every refresh, and a reused one revokes its whole family.',
    ),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', onclick: () => void refresh() }, 'Refresh'),
      h('button', { type: 'button', class: 'secondary', onclick: () => void replay() }, 'Replay the old refresh token'),
      h('button', { type: 'button', class: 'secondary', onclick: () => void logout(false) }, 'Log out'),
      h('button', { type: 'button', class: 'secondary', onclick: () => void logout(true) }, 'Log out everywhere'),
    ),
    status.element,
    h('h3', null, 'Logins and refresh families'),
    timeline,
    lag,
  );
}

/** One lane per family, on a shared time axis from the first login to now; the text beside it says the same in words. */
function drawTimeline(sessions: SessionFamily[]): HTMLElement {
  if (sessions.length === 0) return h('p', { class: 'empty' }, 'No sessions.');
  const now = Date.now();
  const times = sessions
    .flatMap((s) => [s.createdAt, s.lastRotatedAt, s.revokedAt])
    .filter((t): t is string => !!t)
    .map((t) => Date.parse(t))
    .filter((t) => Number.isFinite(t));
  const start = Math.min(now, ...times);
  const span = Math.max(1, Math.max(now, ...times) - start);
  const at = (iso: string) => Math.min(100, Math.max(0, ((Date.parse(iso) - start) / span) * 100));
  const sorted = [...sessions].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return h(
    'ol',
    { class: 'families', 'aria-label': 'Refresh families, oldest first' },
    sorted.map((s) => {
      const from = at(s.createdAt);
      const to = s.revokedAt ? at(s.revokedAt) : 100;
      return h(
        'li',
        { class: s.revokedAt ? 'revoked' : 'active' },
        svg(
          'svg',
          { class: 'lane-track', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
          svg('rect', {
            x: from.toFixed(2),
            y: '1',
            width: Math.max(0.8, to - from).toFixed(2),
            height: '8',
            class: s.revokedAt ? 'lane revoked' : s.current ? 'lane current' : 'lane',
          }),
          s.lastRotatedAt
            ? svg('rect', {
                x: (at(s.lastRotatedAt) - 0.4).toFixed(2),
                y: '0',
                width: '0.8',
                height: '10',
                class: 'rotated',
              })
            : null,
        ),
        h(
          'p',
          null,
          h('strong', null, s.current ? 'This login' : 'A login'),
          ` at ${formatIsoShort(s.createdAt)}`,
          s.lastRotatedAt ? `, last refreshed ${formatIsoShort(s.lastRotatedAt)}` : ', never refreshed',
          s.revokedAt
            ? `, revoked ${formatIsoShort(s.revokedAt)} (${REVOKED_REASON_WORDS[s.revokedReason ?? ''] ?? s.revokedReason ?? 'no reason given'})`
            : ', active',
          h('span', { class: 'id' }, ` family ${s.id}`),
        ),
      );
    }),
  );
}
