// The lock doctor's cases: open ones by default, or all, newest first.
// Fetched once, then again whenever the stream says the open cases changed.

import { api } from '../api/client';
import type { Case } from '../api/types';
import { relative } from '../format';
import { href } from '../router';
import { casesVersion, locksLoad } from '../state/fleet';
import { onResync } from '../state/stream';
import { errorPanel, loadingPanel } from '../ui/common';
import { h, replace } from '../ui/dom';
import { icon } from '../ui/icons';
import { causeName, inSentence, stepName } from '../vocabulary';
import { caseStatus, caseTitle, resolvedText } from './case_view';

let chosen: 'open' | 'all' = 'open';

function caseItem(c: Case): HTMLElement {
  const top = [...c.hypotheses].sort((a, b) => b.p - a.p)[0];
  const next = c.plan.steps.find((s) => !s.by_hub);
  const status = caseStatus(c);
  const statusText =
    status === 'closed' ? resolvedText(c) : status === 'fixed' ? (c.checking ? `Checking ${inSentence(stepName(c.checking.step))}` : c.fixed_by === 'wait' ? 'Back by itself' : `Fixed by ${inSentence(stepName(c.fixed_by))}`) : status === 'back' ? 'Back online — watching' : 'Open';
  return h(
    'li',
    { class: `case-item status-${status}`, 'data-testid': 'case-item', 'data-case-id': String(c.id), 'data-state': status },
    h(
      'div',
      { class: 'case-item-head' },
      h('a', { class: 'row-link', href: href.case(c.id) }, `Case ${c.id}: ${caseTitle(c)}`),
      h('span', { class: `flag ${status === 'closed' || status === 'fixed' ? 'ok' : status === 'back' ? '' : 'warn'}` }, statusText),
    ),
    h(
      'p',
      { class: 'case-item-body' },
      top ? h('span', null, `Likely ${inSentence(causeName(top.cause))} (${Math.round(top.p * 100)} %)`) : 'Diagnosing…',
      status !== 'closed' && status !== 'fixed' && next ? h('span', null, ` · Next: ${stepName(next.step)}`) : null,
    ),
    h('p', { class: 'sub' }, `Opened ${relative(c.opened_ms)}${c.members.length > 1 ? ` · ${c.members.length} locks` : ''}`),
  );
}

export function mountCases(root: HTMLElement): () => void {
  document.title = 'Cases · lockwarden';
  const cleanups: (() => void)[] = [];
  let request = 0;
  let cases: Case[] | null = null;

  const buttons = (['open', 'all'] as const).map((k) => {
    const b = h(
      'button',
      { type: 'button', class: 'segment', 'data-testid': `cases-filter-${k}`, 'aria-pressed': String(chosen === k) },
      k === 'open' ? 'Open' : 'All',
    );
    b.addEventListener('click', () => {
      chosen = k;
      for (const o of buttons) o.setAttribute('aria-pressed', String(o === b));
      void load();
    });
    return b;
  });
  const body = h('div', { class: 'cases-body' }, loadingPanel('the cases'));
  replace(
    root,
    h(
      'div',
      { class: 'page cases-page' },
      h('div', { class: 'page-head' }, h('h1', null, 'Cases'), h('div', { class: 'segmented', role: 'group', 'aria-label': 'Which cases' }, buttons)),
      h('p', { class: 'muted intro' }, 'When a lock drops off or misbehaves the hub opens a case, names the likely cause and plans the fewest steps to fix it.'),
      body,
    ),
  );

  function render(): void {
    if (!cases) return;
    if (!cases.length) {
      replace(
        body,
        h(
          'div',
          { class: 'panel empty-state', 'data-testid': 'cases-empty' },
          icon('check', 'icon big-icon'),
          h('p', null, chosen === 'open' ? 'No open cases: every lock is fine.' : 'No cases yet.'),
        ),
      );
      return;
    }
    replace(body, h('ul', { class: 'case-list', 'data-testid': 'cases-list' }, cases.map(caseItem)));
  }

  async function load(): Promise<void> {
    const mine = ++request;
    try {
      const list = await api.cases(chosen);
      if (mine !== request) return;
      cases = [...list].sort((a, b) => b.opened_ms - a.opened_ms);
      render();
    } catch (e) {
      if (mine !== request) return;
      if (cases) return;
      replace(body, errorPanel(e, { what: 'the cases', retry: () => void load() }));
    }
  }

  cleanups.push(casesVersion.subscribe(() => void load()));
  cleanups.push(onResync.on(() => void load()));
  // Lock names arrive with the fleet; the titles use them.
  cleanups.push(locksLoad.subscribe(() => render()));
  void load();
  return () => {
    request++;
    for (const c of cleanups) c();
  };
}
