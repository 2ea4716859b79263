import { request } from '../api';
import { runComparison } from '../comparison';
import type { Context } from '../context';
import { MODE_WORDS, type ComparisonMode } from '../contracts';
import { fill, h, StatusLine, svg } from '../dom';

/** Part 8: the same workload against JWT and four kinds of server-side sessions, with a replica killed. */
export function compareView(context: Context): HTMLElement {
  const status = new StatusLine('compare-status');
  const result = h('div', { id: 'compare-result' });
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    status.info('Starting the comparison on the console server…');
    try {
      const outcome = await runComparison({
        send: request,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        onProgress: (line) => status.info(line),
      });
      context.acted('other');
      if (!outcome.ok) {
        status.error(outcome.message);
        return;
      }
      const modes = outcome.modes;
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
      'The same calls with a stateless JWT and with server-side sessions (in memory round robin or sticky, replicated, in a shared store), while a replica is killed: what fails, and how often a store is asked. The console server starts three fronts per mode and a PostgreSQL of its own for this, so it runs beside “npm start” only, and takes a minute or so.',
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
