// The sign-in page: user name and password, posted to POST /api/v1/auth/login
// for an HttpOnly cookie session. Shows why a sign-in failed (wrong user name
// or password; too many failures, with the wait the hub asks for) and, when
// the app came back here because the hub refused the session, that it expired.

import { login, type Me } from '../api/client';
import { h, replace } from '../ui/dom';

export function mountLogin(root: HTMLElement, expired: boolean, onSignedIn: (me: Me) => void): () => void {
  document.title = 'Sign in · lockwarden';
  const user = h('input', {
    id: 'login-user',
    name: 'username',
    autocomplete: 'username',
    required: true,
    'data-testid': 'login-user',
  });
  const password = h('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'login-password',
  });
  const error = h('p', { class: 'login-error', role: 'alert', 'data-testid': 'login-error', hidden: true });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', 'data-testid': 'login-submit' }, 'Sign in');
  const notice = expired
    ? h('p', { class: 'login-notice', 'data-testid': 'session-expired' }, 'Your session expired. Sign in again.')
    : null;
  const form = h(
    'form',
    { class: 'panel login-panel', 'data-testid': 'login-form' },
    h('h1', null, 'Sign in'),
    notice,
    h('label', { for: 'login-user' }, 'User name'),
    user,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    error,
    h('p', { class: 'actions' }, submit),
  );
  let busy = false;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (busy) return;
    busy = true;
    submit.disabled = true;
    error.hidden = true;
    void login(user.value.trim(), password.value).then((result) => {
      busy = false;
      submit.disabled = false;
      if (result.ok) {
        onSignedIn(result.me);
        return;
      }
      password.value = '';
      error.textContent = result.message;
      error.dataset.kind = result.kind;
      error.hidden = false;
      password.focus();
    });
  });
  replace(root, h('div', { class: 'page login-page' }, form));
  user.focus();
  return () => {};
}
