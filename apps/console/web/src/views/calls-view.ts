import { newUuid, notOffered, onCall, request, type CallRecord } from '../api';
import type { Context } from '../context';
import { breakable, fill, h, StatusLine } from '../dom';
import { isSystemStats, StatsLedger, type ActionKind } from '../stats';

const MAX_ROWS = 200;

/** Part 4 (the API buttons and the request log) and part 7 (the system's counters beside them). */
export function callsView(context: Context): { calls: HTMLElement; counters: HTMLElement } {
  const status = new StatusLine('calls-status');
  const logBody = h('tbody');
  const emptyRow = h('tr', { class: 'empty-row' }, h('td', { colspan: '5' }, 'No requests yet.'));
  logBody.append(emptyRow);
  let firstProductId: string | undefined;

  onCall((record) => {
    emptyRow.remove();
    logBody.prepend(logRow(record));
    while (logBody.rows.length > MAX_ROWS) logBody.lastElementChild?.remove();
  });

  const call = async (method: string, path: string, init: Parameters<typeof request>[2] = {}) => {
    await context.session.ensureFresh();
    const record = await request(method, path, { token: context.session.tokens?.accessToken, ...init });
    context.acted('api');
    const word = record.status === null ? 'no answer' : String(record.status);
    const text = `${method} ${path}: ${word}${record.note ? `. ${record.note}` : ''}`;
    if (record.status !== null && record.status < 400) status.ok(text);
    else status.error(text);
    return record;
  };

  const productId = async (): Promise<string | undefined> => {
    if (firstProductId) return firstProductId;
    const record = await call('GET', '/api/catalog/products');
    const items = (record.body as { items?: { id?: unknown }[] } | undefined)?.items;
    const id = items?.[0]?.id;
    if (typeof id === 'string') firstProductId = id;
    return firstProductId;
  };

  const buttons = h(
    'div',
    { class: 'buttons api-buttons' },
    h('button', { type: 'button', onclick: () => void call('GET', '/api/orders') }, 'GET /api/orders'),
    h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          const id = await productId();
          if (!id) {
            status.error('The catalog has no product to order (GET /api/catalog/products gave none).');
            return;
          }
          await call('POST', '/api/orders', {
            json: { productId: id, quantity: 1 },
            headers: { 'Idempotency-Key': newUuid() },
          });
        },
      },
      'POST /api/orders',
    ),
    h('button', { type: 'button', onclick: () => void call('GET', '/api/profile/me') }, 'GET /api/profile/me'),
    h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          const record = await call('GET', '/api/catalog/products');
          const id = (record.body as { items?: { id?: unknown }[] } | undefined)?.items?.[0]?.id;
          if (typeof id === 'string') firstProductId = id;
        },
      },
      'GET /api/catalog/products',
    ),
  );

  const calls = h(
    'section',
    { id: 'calls', 'aria-labelledby': 'calls-title' },
    h('h2', { id: 'calls-title' }, 'API calls through the gateway'),
    h(
      'p',
      null,
      'Each button sends the access token as "Authorization: Bearer". The gateway verifies it and forwards the verified claims as X-User-* headers; the services trust those headers and never parse the token.',
    ),
    buttons,
    status.element,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'log', id: 'request-log' },
        h('caption', { id: 'log-caption' }, 'Request log (newest first)'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'Request'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Time in '), 'ms'),
            h('th', { scope: 'col' }, 'Gateway'),
            h('th', { scope: 'col' }, 'Service'),
          ),
        ),
        logBody,
      ),
    ),
  );

  return { calls, counters: countersView(context) };
}

function logRow(record: CallRecord): HTMLTableRowElement {
  const failed = record.status === null || record.status >= 400;
  return h(
    'tr',
    { class: failed ? 'failed' : 'succeeded' },
    h(
      'th',
      { scope: 'row' },
      h('code', null, record.method, ' ', breakable(record.path)),
      record.label ? h('span', { class: 'label' }, ` (${record.label})`) : null,
      record.note ? h('span', { class: 'note' }, record.note) : null,
    ),
    h('td', { class: 'status-cell' }, record.status === null ? 'no answer' : String(record.status)),
    h('td', { class: 'num' }, String(record.latencyMs)),
    h('td', null, h('code', null, breakable(record.gateway))),
    h('td', null, h('code', null, breakable(record.servedBy))),
  );
}

function countersView(context: Context): HTMLElement {
  const ledger = new StatsLedger();
  const summary = h('p', { id: 'counters-summary', class: 'summary', 'aria-live': 'polite' }, 'Loading the counters…');
  const figures = h('div', { id: 'counters-figures' });
  const reload = h('button', { type: 'button', class: 'secondary' }, 'Reload counters');
  let pending: ActionKind[] = [];
  let offered: boolean | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let loading: Promise<void> = Promise.resolve();

  const render = () => {
    const delta = ledger.delta();
    if (!delta) return;
    summary.textContent = `Since this page loaded: ${ledger.summary()}.`;
    const purposes = Object.entries(delta.authStoreQueries).filter(([, n]) => n !== 0);
    fill(
      figures,
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Token verifications'),
        h('dd', null, `${delta.verifications.ok} accepted, ${delta.verifications.rejected} rejected`),
        h('dt', null, 'Verified-token cache'),
        h('dd', null, `${delta.cacheHits} hits, ${delta.cacheMisses} misses`),
        h('dt', null, 'Auth-store queries'),
        h(
          'dd',
          null,
          String(purposes.reduce((total, [, n]) => total + n, 0)),
          purposes.length
            ? h(
                'ul',
                { class: 'plain' },
                purposes.map(([purpose, n]) => h('li', null, `${purpose}: ${n}`)),
              )
            : null,
        ),
        h('dt', null, 'Gateways'),
        h('dd', null, String(delta.gateways)),
      ),
      h('p', { class: 'hint' }, 'Counters are system-wide: other users’ requests count too.'),
    );
  };

  const load = (kinds: ActionKind[]) =>
    (loading = loading.then(async () => {
      const record = await request('GET', '/console/api/stats', { quiet: true });
      if (notOffered(record)) {
        offered = false;
        for (const kind of kinds) ledger.buckets[kind].actions += 1;
        summary.textContent = `The system does not offer its counters yet (GET /console/api/stats answered ${record.status}).`;
        return;
      }
      if (record.status !== 200 || !isSystemStats(record.body)) {
        summary.textContent = `The counters could not be loaded: ${record.note || `HTTP ${record.status}`}.`;
        return;
      }
      offered = true;
      ledger.record(record.body, kinds);
      render();
    }));

  context.onActed((kind) => {
    pending.push(kind);
    if (offered === false) return; // not offered: only the reload button asks again
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const kinds = pending;
      pending = [];
      void load(kinds);
    }, 150);
  });
  reload.addEventListener('click', () => {
    const kinds = pending;
    pending = [];
    void load(kinds);
  });
  void load([]);

  return h(
    'section',
    { id: 'counters', 'aria-labelledby': 'counters-title' },
    h('h2', { id: 'counters-title' }, 'Counters'),
    h(
      'p',
      null,
      'What the system did for this page’s actions: verifications at the gateway, and queries to the auth store.',
    ),
    summary,
    figures,
    reload,
  );
}
