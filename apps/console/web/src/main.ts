import { createContext } from './context';
import { fill, h } from './dom';
import { authView } from './views/auth-view';
import { callsView } from './views/calls-view';
import { compareView } from './views/compare-view';
import { sessionsView } from './views/sessions-view';
import { tamperView } from './views/tamper-view';
import { tokenView } from './views/token-view';

function start(): void {
  const main = document.getElementById('main');
  if (!main) return;
  const context = createContext();
  const { token, signature } = tokenView(context);
  const { calls, counters } = callsView(context);
  fill(
    main,
    authView(context),
    token,
    signature,
    h('div', { class: 'pair' }, calls, counters),
    tamperView(context),
    sessionsView(context),
    compareView(context),
  );
}

// An unexpected failure in a handler is said on the page too (and still reported as an error).
const reportUnexpected = (what: string) => {
  const line = document.getElementById('page-error');
  if (line)
    line.textContent = `Something went wrong in the console itself: ${what}. The system may be fine; reload to start over.`;
};
window.addEventListener('error', (event) => reportUnexpected(event.message));
window.addEventListener('unhandledrejection', (event) =>
  reportUnexpected(String((event.reason as Error)?.message ?? event.reason)),
);

// Never a blank page: whatever goes wrong at start-up is said on the page.
try {
  start();
} catch (error) {
  const main = document.getElementById('main');
  if (main)
    fill(
      main,
      h('p', { class: 'status error', role: 'alert' }, `The console failed to start: ${(error as Error).message}`),
    );
  throw error;
}
