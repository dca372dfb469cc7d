// Any address the app does not know.

import { href } from '../router';
import { h, replace } from '../ui/dom';

export function mountNotFound(root: HTMLElement, path: string): () => void {
  document.title = 'Not found · lockwarden';
  replace(
    root,
    h(
      'div',
      { class: 'page' },
      h(
        'section',
        { class: 'panel error-panel', role: 'alert', 'data-testid': 'error-not_found' },
        h('h1', null, 'Page not found'),
        h('p', null, `There is no page at “${path}”.`),
        h('p', { class: 'actions' }, h('a', { class: 'btn', href: href.fleet() }, 'Go to the fleet')),
      ),
    ),
  );
  return () => {};
}
