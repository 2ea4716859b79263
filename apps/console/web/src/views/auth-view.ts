import { request } from '../api';
import type { Context } from '../context';
import { h, StatusLine } from '../dom';
import { decodeToken } from '../jwt';
import { isTokenResponse } from '../session';

/** Part 1: register and log in. The form is a real form: Tab/Enter alone logs in ("Log in" is the default button). */
export function authView(context: Context): HTMLElement {
  const status = new StatusLine('auth-status');
  const username = h('input', {
    id: 'username',
    name: 'username',
    type: 'text',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    'aria-describedby': 'username-hint',
  });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    'aria-describedby': 'password-hint',
  });
  const loginButton = h('button', { type: 'submit', value: 'login' }, 'Log in');
  const registerButton = h('button', { type: 'submit', value: 'register', class: 'secondary' }, 'Register');
  const who = h('p', { class: 'who', id: 'who' }, 'Not logged in.');

  const explainFailure = (
    action: 'register' | 'login',
    status: number | null,
    note: string,
    retryAfter: string | null,
  ) => {
    if (status === null) return 'The gateway cannot be reached: is the system running? Nothing was sent.';
    if (status === 502 || status === 503 || status === 504)
      return `The system is unavailable right now (${status}): ${note}. Try again in a moment.`;
    if (action === 'register') {
      if (status === 409) return `That username is taken (409). Pick another one, or log in.`;
      if (status === 400)
        return `Not accepted (400): ${note}. Usernames are 3-64 of a-z 0-9 _ . -, passwords at least 8 characters.`;
    } else {
      if (status === 401) return 'Wrong username or password (401). The answer is the same for both, on purpose.';
      if (status === 429)
        return `Too many failed attempts (429): try again in ${retryAfter ?? 'a few'} seconds. Failures are throttled per account and per address.`;
      if (status === 400) return `Not accepted (400): ${note}.`;
    }
    return `Failed (${status}): ${note}`;
  };

  let busy = false;
  const submit = async (action: 'register' | 'login') => {
    const credentials = { username: username.value.trim(), password: password.value };
    if (!credentials.username || !credentials.password) {
      status.error('Enter a username and a password first.');
      (credentials.username ? password : username).focus();
      return;
    }
    // No disabled buttons while busy: disabling the focused button would drop keyboard focus.
    if (busy) return;
    busy = true;
    status.info(action === 'login' ? 'Logging in…' : 'Registering…');
    try {
      const record = await request('POST', action === 'login' ? '/auth/login' : '/auth/register', {
        json: credentials,
      });
      context.acted('login');
      if (action === 'register' && record.status === 201) {
        status.ok(`Registered ${credentials.username} (201). Now log in.`);
        return;
      }
      if (action === 'login' && record.status === 200 && isTokenResponse(record.body)) {
        context.session.start(record.body);
        password.value = '';
        status.ok(`Logged in as ${credentials.username}: the access token is below.`);
        return;
      }
      status.error(explainFailure(action, record.status, record.note, record.headers?.get('retry-after') ?? null));
    } finally {
      busy = false;
    }
  };

  const form = h(
    'form',
    {
      class: 'login',
      novalidate: true,
      'aria-describedby': 'auth-status',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
        void submit(submitter?.value === 'register' ? 'register' : 'login');
      },
    },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'username' }, 'Username'),
      username,
      h('span', { id: 'username-hint', class: 'hint' }, '3-64 characters: a-z 0-9 _ . -'),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'password' }, 'Password'),
      password,
      h('span', { id: 'password-hint', class: 'hint' }, 'At least 8 characters'),
    ),
    h('div', { class: 'buttons' }, loginButton, registerButton),
  );

  context.onSessionChange((change) => {
    const name = context.session.tokens ? usernameOf(context.session.tokens.accessToken) : undefined;
    if (change === 'logout') who.textContent = 'Not logged in.';
    else if (name) who.textContent = `Logged in as ${name}.`;
  });

  return h(
    'section',
    { id: 'login', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Log in'),
    h('p', null, 'Register a user, then log in: the auth service answers with an access token and a refresh token.'),
    form,
    status.element,
    who,
  );
}

function usernameOf(token: string): string | undefined {
  const decoded = decodeToken(token);
  const name = decoded.ok ? decoded.token.payload['username'] : undefined;
  return typeof name === 'string' ? name : undefined;
}
