// The fleet: counts at a glance, filters and search, and every lock in a
// virtualised list (fixed row height; only visible rows are in the DOM) kept
// current from the stream — no per-lock requests.

import type { Lock } from '../api/types';
import { batteryOutlook, relative, signalBars, signalWord } from '../format';
import { href } from '../router';
import {
  attentionRank,
  hasCase,
  isLowBattery,
  isOffline,
  isWeakSignal,
  loadFleet,
  locks,
  locksLoad,
  locksVersion,
  openCases,
  sites,
} from '../state/fleet';
import { connectivityBadge, errorPanel, loadingPanel } from '../ui/common';
import { h, replace } from '../ui/dom';
import { batteryIcon, connectivityIcon, icon, signalIcon } from '../ui/icons';
import { VirtualList } from '../ui/virtual_list';
import { causeName, connectivityInfo, DOOR_STATES, lockStateName, transportName } from '../vocabulary';

type FilterId = 'all' | 'offline' | 'low-battery' | 'weak-signal' | 'has-case';
type SortId = 'attention' | 'name' | 'site' | 'battery' | 'last-seen';

const FILTERS: { id: FilterId; label: string; test: (l: Lock) => boolean }[] = [
  { id: 'all', label: 'All', test: () => true },
  { id: 'offline', label: 'Offline', test: isOffline },
  { id: 'low-battery', label: 'Low battery', test: isLowBattery },
  { id: 'weak-signal', label: 'Weak signal', test: isWeakSignal },
  { id: 'has-case', label: 'Has case', test: hasCase },
];

const SORTS: { id: SortId; label: string }[] = [
  { id: 'attention', label: 'Needs attention first' },
  { id: 'name', label: 'Name' },
  { id: 'site', label: 'Site' },
  { id: 'battery', label: 'Battery, lowest first' },
  { id: 'last-seen', label: 'Last seen, longest ago first' },
];

/** The view's choices survive leaving and coming back. */
const choice = { filter: 'all' as FilterId, query: '', site: '', sort: 'attention' as SortId };

const kPhoneQuery = '(max-width: 860px)';
const kRowHeightWide = 60;
const kRowHeightStacked = 112;

function byName(a: Lock, b: Lock): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

function compare(sort: SortId): (a: Lock, b: Lock) => number {
  switch (sort) {
    case 'attention':
      return (a, b) => attentionRank(a) - attentionRank(b) || a.site.localeCompare(b.site) || byName(a, b);
    case 'name':
      return byName;
    case 'site':
      return (a, b) => a.site.localeCompare(b.site) || byName(a, b);
    case 'battery':
      return (a, b) => (a.battery_pct ?? 101) - (b.battery_pct ?? 101) || byName(a, b);
    case 'last-seen':
      return (a, b) => (a.last_seen_ms ?? 0) - (b.last_seen_ms ?? 0) || byName(a, b);
  }
}

function siteName(id: string): string {
  return sites.value.find((s) => s.id === id)?.name ?? id;
}

function matches(l: Lock, q: string): boolean {
  if (!q) return true;
  const hay = `${l.name} ${l.id} ${l.site} ${siteName(l.site)} ${transportName(l.transport)} ${l.firmware ?? ''}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

// ---- One row ------------------------------------------------------------------

interface RowRefs {
  status: HTMLElement;
  link: HTMLAnchorElement;
  sub: HTMLElement;
  state: HTMLElement;
  door: HTMLElement;
  battery: HTMLElement;
  batteryIcon: HTMLElement;
  batteryPct: HTMLElement;
  batteryOutlook: HTMLElement;
  signal: HTMLElement;
  signalText: HTMLElement;
  signalDbm: HTMLElement;
  seen: HTMLElement;
  caseCell: HTMLElement;
}

const rowRefs = new WeakMap<HTMLElement, RowRefs>();

function createRow(l: Lock): HTMLElement {
  const refs: RowRefs = {
    status: h('div', { class: 'cell cell-status' }),
    link: h('a', { class: 'row-link' }),
    sub: h('span', { class: 'sub' }),
    state: h('span', { class: 'state-text' }),
    door: h('span', { class: 'sub' }),
    battery: h('div', { class: 'cell cell-battery' }),
    batteryIcon: h('span', { class: 'battery-slot' }),
    batteryPct: h('span', { class: 'value' }),
    batteryOutlook: h('span', { class: 'sub' }),
    signal: h('span', { class: 'signal-icon' }),
    signalText: h('span', { class: 'value' }),
    signalDbm: h('span', { class: 'sub' }),
    seen: h('span', { class: 'value' }),
    caseCell: h('div', { class: 'cell cell-case' }),
  };
  refs.battery.append(
    refs.batteryIcon,
    h('span', { class: 'cell-text' }, h('span', { class: 'sr-only' }, 'Battery '), refs.batteryPct, refs.batteryOutlook),
  );
  const li = h(
    'li',
    { class: 'lock-row', 'data-testid': 'lock-row' },
    refs.status,
    h('div', { class: 'cell cell-name' }, refs.link, refs.sub),
    h('div', { class: 'cell cell-state' }, refs.state, refs.door),
    refs.battery,
    h(
      'div',
      { class: 'cell cell-signal' },
      refs.signal,
      h('span', { class: 'cell-text' }, h('span', { class: 'sr-only' }, 'Signal '), refs.signalText, refs.signalDbm),
    ),
    h('div', { class: 'cell cell-seen' }, h('span', { class: 'sr-only' }, 'Last seen '), refs.seen),
    refs.caseCell,
  );
  rowRefs.set(li, refs);
  updateRow(li, l);
  return li;
}

function updateRow(li: HTMLElement, l: Lock): void {
  const r = rowRefs.get(li)!;
  li.dataset.lockId = l.id;
  li.dataset.connectivity = l.connectivity;
  li.className = `lock-row conn-row-${l.connectivity}${connectivityInfo(l.connectivity).down ? ' is-down' : ''}`;

  replace(r.status, connectivityBadge(l.connectivity));
  r.link.href = href.lock(l.id);
  r.link.textContent = l.name || l.id;
  r.sub.textContent = `${siteName(l.site)} · ${transportName(l.transport)}`;

  r.state.textContent = lockStateName(l.lock_state);
  r.state.className = `state-text state-${l.lock_state}`;
  r.door.textContent = l.door_state ? DOOR_STATES[l.door_state] ?? '' : '';

  const low = isLowBattery(l);
  r.battery.classList.toggle('warn', low);
  replace(r.batteryIcon, batteryIcon(l.battery_pct));
  r.batteryPct.textContent = l.battery_pct === null || l.battery_pct === undefined ? '—' : `${l.battery_pct} %`;
  r.batteryOutlook.textContent = batteryOutlook(l.battery_forecast?.dies_ms, l.battery_forecast?.days_left);

  const bars = signalBars(l.rssi_dbm);
  replace(r.signal, signalIcon(l.rssi_dbm === null || l.rssi_dbm === undefined ? 0 : bars));
  r.signal.parentElement!.classList.toggle('warn', isWeakSignal(l));
  r.signalText.textContent = signalWord(l.rssi_dbm);
  r.signalDbm.textContent = l.rssi_dbm === null || l.rssi_dbm === undefined ? '' : `${l.rssi_dbm} dBm`;

  r.seen.textContent = relative(l.last_seen_ms);
  r.seen.title = l.last_seen_ms ? new Date(l.last_seen_ms).toLocaleString() : '';

  const c = l.case;
  const current = r.caseCell.firstElementChild as HTMLAnchorElement | null;
  const caseHref = c ? href.case(c.id) : '';
  if (!c) {
    if (current) replace(r.caseCell);
  } else {
    const name = causeName(c.likely_cause);
    const pct = `${Math.round(c.p * 100)} %`;
    if (current && current.getAttribute('href') === caseHref) {
      current.querySelector('.chip-name')!.textContent = name;
      current.querySelector('.chip-p')!.textContent = pct;
    } else {
      replace(
        r.caseCell,
        h(
          'a',
          { class: 'case-chip', href: caseHref, 'data-testid': 'lock-case-link', title: `Open case ${c.id}` },
          icon('case', 'icon'),
          h('span', { class: 'sr-only' }, `Case ${c.id}: likely `),
          h('span', { class: 'chip-name' }, name),
          h('span', { class: 'chip-p' }, pct),
        ),
      );
    }
  }
}

// ---- The view -----------------------------------------------------------------

export function mountFleet(root: HTMLElement): () => void {
  document.title = 'Fleet · lockwarden';
  const cleanups: (() => void)[] = [];

  const countEls = {
    total: h('span', { class: 'count-value', 'data-testid': 'count-total' }, '–'),
    online: h('span', { class: 'count-value', 'data-testid': 'count-online' }, '–'),
    offline: h('span', { class: 'count-value', 'data-testid': 'count-offline' }, '–'),
    lowBattery: h('span', { class: 'count-value', 'data-testid': 'count-low-battery' }, '–'),
    cases: h('span', { class: 'count-value', 'data-testid': 'count-open-cases' }, '–'),
  };
  const countCard = (cls: string, label: string, value: HTMLElement, note: string, iconEl: Element | null) =>
    h('li', { class: `count-card ${cls}` }, h('span', { class: 'count-label' }, iconEl, label), value, h('span', { class: 'count-note' }, note));
  const counts = h(
    'ul',
    { class: 'counts', 'aria-label': 'Fleet at a glance' },
    countCard('count-total-card', 'Locks', countEls.total, 'in the fleet', null),
    countCard('count-online-card', 'Online', countEls.online, 'reporting on time', connectivityIcon('online')),
    countCard('count-offline-card', 'Offline', countEls.offline, 'offline or unreachable', connectivityIcon('offline')),
    countCard('count-battery-card', 'Low battery', countEls.lowBattery, '≤ 20 % or < 14 days', icon('battery')),
    countCard('count-cases-card', 'Open cases', countEls.cases, 'being diagnosed', icon('case')),
  );

  const filterButtons = new Map<FilterId, HTMLButtonElement>();
  const filterCounts = new Map<FilterId, HTMLElement>();
  const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Show' });
  for (const f of FILTERS) {
    const n = h('span', { class: 'filter-count' });
    const b = h(
      'button',
      { type: 'button', class: 'filter', 'data-testid': `filter-${f.id}`, 'data-filter': f.id, 'aria-pressed': 'false' },
      h('span', null, f.label),
      n,
    );
    b.addEventListener('click', () => {
      choice.filter = f.id;
      refresh();
    });
    filterButtons.set(f.id, b);
    filterCounts.set(f.id, n);
    filters.append(b);
  }

  const search = h('input', {
    type: 'search',
    id: 'fleet-search',
    class: 'input',
    placeholder: 'Name, site, transport…',
    autocomplete: 'off',
    'data-testid': 'fleet-search',
    value: choice.query,
  });
  search.addEventListener('input', () => {
    choice.query = search.value.trim();
    refresh();
  });

  const siteSelect = h('select', { id: 'fleet-site', class: 'input', 'data-testid': 'fleet-site' });
  siteSelect.addEventListener('change', () => {
    choice.site = siteSelect.value;
    refresh();
  });
  const sortSelect = h(
    'select',
    { id: 'fleet-sort', class: 'input', 'data-testid': 'fleet-sort' },
    SORTS.map((s) => h('option', { value: s.id }, s.label)),
  );
  sortSelect.value = choice.sort;
  sortSelect.addEventListener('change', () => {
    choice.sort = sortSelect.value as SortId;
    refresh();
  });

  const tools = h(
    'div',
    { class: 'fleet-tools' },
    h('div', { class: 'field field-search' }, h('label', { for: 'fleet-search' }, 'Search'), search),
    h('div', { class: 'field' }, h('label', { for: 'fleet-site' }, 'Site'), siteSelect),
    h('div', { class: 'field' }, h('label', { for: 'fleet-sort' }, 'Sort'), sortSelect),
  );

  const showing = h('p', { class: 'showing', 'data-testid': 'fleet-showing', 'aria-live': 'polite' });
  const columns = h(
    'div',
    { class: 'list-columns', 'aria-hidden': 'true' },
    ['Status', 'Lock', 'State', 'Battery', 'Signal', 'Last seen', 'Case'].map((c) => h('span', null, c)),
  );
  const rows = h('ul', { class: 'fleet-rows', 'aria-label': 'Locks' });
  // The list scrolls by itself, so only the rows in its view are in the page.
  const list = h('div', { class: 'fleet-list', 'data-testid': 'fleet-list' }, rows);
  const empty = h('div', { class: 'empty', hidden: true });
  const status = h('div', { class: 'fleet-status' });

  replace(
    root,
    h(
      'div',
      { class: 'page fleet-page' },
      h('div', { class: 'page-head' }, h('h1', null, 'Fleet'), showing),
      status,
      counts,
      h('section', { class: 'fleet-controls', 'aria-label': 'Filter and search' }, filters, tools),
      columns,
      list,
      empty,
    ),
  );

  const phone = window.matchMedia(kPhoneQuery);
  const vlist = new VirtualList<Lock>({
    viewport: list,
    container: rows,
    rowHeight: () => (phone.matches ? kRowHeightStacked : kRowHeightWide),
    overscan: 6,
    key: (l) => l.id,
    create: createRow,
    update: updateRow,
  });
  const onLayout = () => vlist.render(true);
  phone.addEventListener('change', onLayout);
  cleanups.push(() => phone.removeEventListener('change', onLayout));

  let siteKey = '';
  function refreshSites(all: Lock[]): void {
    const ids = new Map<string, { total: number; online: number }>();
    for (const l of all) {
      const s = ids.get(l.site) ?? { total: 0, online: 0 };
      s.total++;
      if (l.connectivity === 'online') s.online++;
      ids.set(l.site, s);
    }
    const key = [...ids.keys()].sort().join('\n') + '|' + sites.value.map((s) => s.name).join('\n');
    const label = (id: string) => {
      const s = ids.get(id)!;
      return `${siteName(id)} · ${s.online} of ${s.total} online`;
    };
    if (key !== siteKey) {
      siteKey = key;
      replace(
        siteSelect,
        h('option', { value: '' }, `All sites (${ids.size})`),
        [...ids.keys()].sort((a, b) => siteName(a).localeCompare(siteName(b))).map((id) => h('option', { value: id }, label(id))),
      );
      if (choice.site && !ids.has(choice.site)) choice.site = '';
      siteSelect.value = choice.site;
    } else {
      for (const o of siteSelect.options) if (o.value) o.textContent = label(o.value);
    }
    siteSelect.disabled = ids.size < 2 && !choice.site;
  }

  let renderedOnce = false;
  function refresh(): void {
    const load = locksLoad.value;
    if (load.kind === 'error' && locks.size === 0) {
      replace(status, errorPanel(load.error, { what: 'the locks', retry: () => void loadFleet() }));
    } else if ((load.kind === 'loading' || load.kind === 'idle') && locks.size === 0) {
      replace(status, loadingPanel('the locks'));
    } else {
      replace(status);
    }

    const all = [...locks.values()];
    const inSite = choice.site ? all.filter((l) => l.site === choice.site) : all;
    let online = 0;
    let offline = 0;
    let low = 0;
    const caseIds = new Set<number>();
    for (const l of all) {
      if (l.connectivity === 'online') online++;
      if (isOffline(l)) offline++;
      if (isLowBattery(l)) low++;
      if (l.case) caseIds.add(l.case.id);
    }
    const ready = load.kind === 'ready' || locks.size > 0;
    countEls.total.textContent = ready ? String(all.length) : '–';
    countEls.online.textContent = ready ? String(online) : '–';
    countEls.offline.textContent = ready ? String(offline) : '–';
    countEls.lowBattery.textContent = ready ? String(low) : '–';
    const nCases = openCases.value ?? (ready ? caseIds.size : null);
    countEls.cases.textContent = nCases === null ? '–' : String(nCases);
    counts.querySelector('.count-offline-card')!.classList.toggle('alert', offline > 0);
    counts.querySelector('.count-battery-card')!.classList.toggle('alert', low > 0);
    counts.querySelector('.count-cases-card')!.classList.toggle('alert', (nCases ?? 0) > 0);

    refreshSites(all);

    const q = choice.query;
    const searched = inSite.filter((l) => matches(l, q));
    for (const f of FILTERS) {
      const b = filterButtons.get(f.id)!;
      b.setAttribute('aria-pressed', String(choice.filter === f.id));
      filterCounts.get(f.id)!.textContent = ready ? String(searched.filter(f.test).length) : '';
    }
    const test = FILTERS.find((f) => f.id === choice.filter)!.test;
    const shown = searched.filter(test).sort(compare(choice.sort));

    // The locks listed (all of them unless a filter or search narrows it) and all loaded.
    list.dataset.lockCount = String(shown.length);
    list.dataset.totalCount = String(all.length);
    rows.setAttribute('aria-label', `Locks, ${shown.length} shown`);
    showing.textContent = ready ? `Showing ${shown.length} of ${all.length} locks` : '';
    columns.hidden = shown.length === 0;
    list.hidden = shown.length === 0;
    if (ready && shown.length === 0) {
      empty.hidden = false;
      replace(
        empty,
        all.length === 0
          ? h('p', null, 'The hub knows no locks yet. Once a lock is paired it appears here.')
          : h(
              'p',
              null,
              'No lock matches these filters. ',
              h('button', {
                type: 'button',
                class: 'btn btn-quiet',
                onclick: () => {
                  choice.filter = 'all';
                  choice.query = '';
                  choice.site = '';
                  search.value = '';
                  siteSelect.value = '';
                  refresh();
                },
              }, 'Show all locks'),
            ),
      );
    } else {
      empty.hidden = true;
    }
    vlist.setItems(shown);

    // The render mark waits for the whole list, not the first locks the stream brought.
    if (load.kind === 'ready' && !renderedOnce) {
      renderedOnce = true;
      if (!document.body.dataset.fleetRenderedMs) document.body.dataset.fleetRenderedMs = String(performance.now());
    }
  }

  let frame = 0;
  const scheduleRefresh = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      refresh();
    });
  };
  cleanups.push(locksVersion.subscribe(scheduleRefresh));
  cleanups.push(locksLoad.subscribe(scheduleRefresh));
  cleanups.push(openCases.subscribe(scheduleRefresh));
  cleanups.push(sites.subscribe(scheduleRefresh));
  // "2 min ago" ages without any new data.
  const ticker = window.setInterval(() => vlist.render(true), 30_000);
  cleanups.push(() => window.clearInterval(ticker));

  refresh();
  if (locks.size === 0 && locksLoad.value.kind === 'error') void loadFleet();

  return () => {
    cancelAnimationFrame(frame);
    for (const c of cleanups) c();
    vlist.destroy();
  };
}
