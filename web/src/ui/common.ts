// Pieces several views share: the connectivity badge, error and loading
// panels, the live region that reads progress out.

import { ApiError } from '../api/client';
import { connectivityInfo } from '../vocabulary';
import { h, replace } from './dom';
import { connectivityIcon } from './icons';

/** Icon + word + colour of a connectivity state (never colour alone). */
export function connectivityBadge(state: string, attrs: Record<string, string> = {}): HTMLElement {
  const info = connectivityInfo(state);
  return h(
    'span',
    { class: `badge conn conn-${state}`, 'data-connectivity': state, title: info.meaning, ...attrs },
    connectivityIcon(state),
    h('span', { class: 'badge-text' }, info.label),
  );
}

export interface ErrorPanelOptions {
  /** What was being loaded, for the title: "this lock". */
  what: string;
  retry?: () => void;
  /** Where to go instead, for a 404. */
  back?: { href: string; label: string };
}

/** An error that reads well: the hub is unreachable, the thing is not there, or the hub refused. */
export function errorPanel(error: unknown, opts: ErrorPanelOptions): HTMLElement {
  const e = error instanceof ApiError ? error : new ApiError('hub', String(error));
  let title: string;
  let body: string;
  if (e.kind === 'unreachable') {
    title = 'The hub is unreachable';
    body = `The app cannot load ${opts.what} because the hub does not answer. Check that the hub is running and on the same network; the page reconnects by itself.`;
  } else if (e.kind === 'not_found') {
    title = 'Not found';
    body = `The hub knows no ${opts.what}. It may have been removed, or the link is mistyped.`;
  } else {
    title = `The hub could not load ${opts.what}`;
    body = e.message;
  }
  return h(
    'section',
    { class: `panel error-panel error-${e.kind}`, role: 'alert', 'data-testid': `error-${e.kind}` },
    h('h2', null, title),
    h('p', null, body),
    h(
      'p',
      { class: 'actions' },
      opts.retry && e.kind !== 'not_found' ? h('button', { type: 'button', class: 'btn', onclick: opts.retry }, 'Try again') : null,
      opts.back ? h('a', { class: 'btn btn-quiet', href: opts.back.href }, opts.back.label) : null,
    ),
  );
}

export function loadingPanel(what: string): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Loading ${what}…`);
}

/** Reads `text` out through the page's polite live region. */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  replace(region, '');
  // A fresh node after a tick makes screen readers read a repeated message.
  window.setTimeout(() => replace(region, text), 50);
}

/** A labelled value: "Battery  45 %". */
export function fact(label: string, ...value: (Node | string | null)[]): HTMLElement {
  const shown = value.filter((v): v is Node | string => v !== null && v !== '');
  return h('div', { class: 'fact' }, h('dt', null, label), h('dd', null, ...(shown.length ? shown : ['—'])));
}
