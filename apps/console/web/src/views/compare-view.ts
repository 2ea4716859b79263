import { notOffered, request } from '../api';
import type { Context } from '../context';
import { comparisonOf, MODE_WORDS, type ComparisonMode } from '../contracts';
import { fill, h, StatusLine, svg } from '../dom';

/** Part 8: the same workload against JWT and four kinds of server-side sessions, with a replica killed. */
export function compareView(context: Context): HTMLElement {
  const status = new StatusLine('compare-status');
  const result = h('div', { id: 'compare-result' });
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    status.info('Running the comparison on the live system… this can take a while.');
    try {
      const record = await request('POST', '/console/api/sessions-vs-jwt');
      context.acted('other');
      if (notOffered(record)) {
        status.error(
          `The system does not offer the sessions-vs-JWT run yet (POST /console/api/sessions-vs-jwt answered ${record.status}).`,
        );
        return;
      }
      const modes = record.status === 200 ? comparisonOf(record.body) : undefined;
      if (!modes) {
        status.error(
          `The comparison failed: ${record.note || (record.status === null ? 'the gateway cannot be reached' : `HTTP ${record.status}`)}.`,
        );
        return;
      }
      status.ok(`Done: ${modes.length} modes compared.`);
      fill(
        result,
        h(
          'div',
          { class: 'bar-pair' },
          bars(modes, 'failed', 'Failed calls', 'requests'),
          bars(modes, 'storeQueries', 'Session-store queries'),
        ),
        table(modes),
      );
    } finally {
      running = false;
    }
  };
  return h(
    'section',
    { id: 'compare', 'aria-labelledby': 'compare-title' },
    h('h2', { id: 'compare-title' }, 'Sessions vs JWT'),
    h(
      'p',
      null,
      'The same calls with a stateless JWT and with server-side sessions (in memory round robin or sticky, replicated, in a shared store), while a replica is killed: what fails, and how often a store is asked.',
    ),
    h('button', { type: 'button', onclick: () => void run() }, 'Run sessions vs JWT'),
    status.element,
    result,
  );
}

/** One bar per mode: HTML text (label, figure) around an SVG track whose rect has the share as its width (no style attributes). */
function bars(modes: ComparisonMode[], field: 'failed' | 'storeQueries', title: string, of?: 'requests'): HTMLElement {
  const max = Math.max(1, ...modes.map((m) => m[field]));
  return h(
    'figure',
    { class: 'bars' },
    h('figcaption', null, title),
    h(
      'ul',
      { class: 'bar-list' },
      modes.map((m) =>
        h(
          'li',
          null,
          h('span', { class: 'bar-label' }, MODE_WORDS[m.mode] ?? m.mode),
          svg(
            'svg',
            { class: 'bar-track', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
            svg('rect', {
              x: '0',
              y: '0',
              width: ((m[field] / max) * 100).toFixed(2),
              height: '10',
              class: m.mode === 'jwt' ? 'bar jwt' : 'bar',
            }),
          ),
          h('span', { class: 'bar-value' }, of ? `${m[field]} of ${m[of]}` : String(m[field])),
        ),
      ),
    ),
  );
}

function table(modes: ComparisonMode[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'compare' },
      h('caption', { id: 'compare-caption' }, 'Sessions vs JWT, figures'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Mode', 'Requests', 'Failed', 'Store queries', 'Logins', 'Copies per login', 'Replica killed'].map((name) =>
            h('th', { scope: 'col' }, name),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        modes.map((m) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, MODE_WORDS[m.mode] ?? m.mode),
            [m.requests, m.failed, m.storeQueries, m.logins, m.copiesPerLogin].map((n) =>
              h('td', { class: 'num' }, String(n)),
            ),
            h('td', null, m.replicaKilled ? 'yes' : 'no'),
          ),
        ),
      ),
    ),
  );
}
