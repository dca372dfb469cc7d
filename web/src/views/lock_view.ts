// One lock: its name, state and connectivity, Lock / Unlock with live
// progress, battery and signal history, the health summary, its events, and a
// banner to its case. Kept current from the stream's `lock` and `event` events.

import { api, ApiError } from '../api/client';
import type { Lock, LockEvent, LockHealth, LockSettingsView } from '../api/types';
import { dayTime, duration, relative } from '../format';
import { href } from '../router';
import { locks, sites } from '../state/fleet';
import { hubNow, onEvent, onLock, onResync, streamState } from '../state/stream';
import { connectivityBadge, errorPanel, loadingPanel } from '../ui/common';
import { h, replace } from '../ui/dom';
import { icon } from '../ui/icons';
import { causeName, connectivityInfo, inSentence, DOOR_STATES, eventKindName, lockStateName, stepName, transportName } from '../vocabulary';
import { actionControl, type ActionControl } from './lock_actions';
import { healthPanel } from './lock_health';
import { historyPanel, type HistoryPanel } from './lock_history';

const OPERATIONS: Record<string, string> = { lock: 'Locked', unlock: 'Unlocked', unlatch: 'Unlatched' };

/** Matter's OperationSource in words. */
const SOURCES: Record<string, string> = {
  keypad: 'at the keypad',
  remote: 'remotely',
  manual: 'by hand',
  auto_relock: 'by auto-relock',
  button: 'with the button',
  schedule: 'on schedule',
  phone: 'from a phone',
  rfid: 'with a card or tag',
};

function eventText(e: LockEvent): string {
  switch (e.kind) {
    case 'lock_operation': {
      const op = (e.operation && OPERATIONS[e.operation]) || 'Operated';
      const by = e.source && e.source !== 'unknown' ? ` ${SOURCES[e.source] ?? `by ${e.source.replace(/_/g, ' ')}`}` : '';
      const user = e.user ? ` (user ${e.user})` : '';
      return `${op}${by}${user}${e.detail ? `: ${e.detail}` : ''}`;
    }
    case 'alarm':
      return `Alarm: ${(e.detail ?? 'unknown').replace(/_/g, ' ')}`;
    case 'command': {
      // "expired: expired" says the same twice.
      const parts = (e.detail ?? 'sent').replace(/_/g, ' ').split(': ');
      return `Command ${parts.length === 2 && parts[0] === parts[1] ? parts[0] : parts.join(': ')}`;
    }
    default:
      return e.detail ? e.detail[0].toUpperCase() + e.detail.slice(1) : eventKindName(e.kind);
  }
}

function eventItem(e: LockEvent): HTMLElement {
  return h(
    'li',
    { class: `event event-${e.kind}`, 'data-testid': 'event', 'data-kind': e.kind, 'data-event-id': String(e.id) },
    h('time', { datetime: new Date(e.ts_ms).toISOString(), title: new Date(e.ts_ms).toLocaleString() }, dayTime(e.ts_ms)),
    h('span', { class: `event-kind kind-${e.kind}` }, eventKindName(e.kind)),
    h('span', { class: 'event-text' }, eventText(e)),
  );
}

export function mountLock(root: HTMLElement, id: string): () => void {
  document.title = `Lock ${id} · lockwarden`;
  const cleanups: (() => void)[] = [];
  let lock: Lock | null = locks.get(id) ?? null;
  let health: LockHealth | null = null;
  let actions: ActionControl | null = null;
  let history: HistoryPanel | null = null;
  let nextBefore: number | null | undefined = null;
  const eventIds = new Set<number>();

  // Parts that change with the lock.
  const name = h('h1', { 'data-testid': 'lock-name' });
  const conn = h('span', { class: 'conn-slot' });
  const state = h('span', { class: 'badge lock-state', 'data-testid': 'lock-state' });
  const door = h('span', { class: 'door-state' });
  const meta = h('p', { class: 'meta' });
  const notice = h('div', { class: 'notice-slot' });
  const caseBanner = h('div', { class: 'case-slot' });
  const healthBody = h('div', { class: 'health-body' }, loadingPanel('the health summary'));
  const settingsBody = h('p', { class: 'muted', 'data-testid': 'lock-settings' }, 'Loading…');
  const eventsList = h('ol', { class: 'events-list', 'data-testid': 'events-list', 'aria-label': 'Events, newest first', tabindex: '0' });
  const eventsEmpty = h('p', { class: 'empty', hidden: true }, 'No events yet.');
  const moreBtn = h('button', { type: 'button', class: 'btn btn-quiet', hidden: true, 'data-testid': 'events-more' }, 'Show older events');
  const crumbName = h('span', { 'aria-current': 'page' });

  function renderLock(): void {
    if (!lock) return;
    const l = lock;
    document.title = `${l.name} · lockwarden`;
    name.textContent = l.name || l.id;
    crumbName.textContent = l.name || l.id;
    replace(conn, connectivityBadge(l.connectivity, { 'data-testid': 'lock-connectivity' }));
    state.dataset.state = l.lock_state;
    state.className = `badge lock-state state-${l.lock_state}`;
    replace(state, icon(l.lock_state === 'locked' ? 'lock' : 'unlock'), h('span', null, lockStateName(l.lock_state)));
    door.textContent = l.door_state ? DOOR_STATES[l.door_state] ?? '' : '';
    renderMeta();

    const info = connectivityInfo(l.connectivity);
    if (info.down) {
      replace(
        notice,
        h(
          'div',
          { class: 'notice notice-down', role: 'note', 'data-testid': 'lock-offline-notice' },
          h('strong', null, `${l.name} is ${info.label.toLowerCase()}`),
          l.connectivity_since_ms ? ` (for ${duration(Math.max(0, hubNow() - l.connectivity_since_ms))}).` : '.',
          ' ',
          info.meaning,
          ' ',
          l.case
            ? h('a', { href: href.case(l.case.id) }, 'See why and how to fix it')
            : 'The hub opens a case with the likely cause within a minute.',
        ),
      );
    } else {
      replace(notice);
    }

    if (l.case) {
      const c = l.case;
      replace(
        caseBanner,
        h(
          'a',
          { class: 'case-banner', href: href.case(c.id), 'data-testid': 'case-banner' },
          icon('case', 'icon'),
          h(
            'span',
            null,
            h('strong', null, `Case ${c.id}: likely ${inSentence(causeName(c.likely_cause))} (${Math.round(c.p * 100)} %)`),
            c.next_step ? h('span', { class: 'sub' }, `Next: ${stepName(c.next_step)}`) : null,
          ),
          h('span', { class: 'go' }, 'Open case →'),
        ),
      );
    } else {
      replace(caseBanner);
    }
    actions?.update(l);
  }

  function renderMeta(): void {
    if (!lock) return;
    const l = lock;
    const siteName = sites.value.find((s) => s.id === l.site)?.name ?? l.site;
    replace(
      meta,
      [
        siteName,
        transportName(l.transport),
        l.firmware ? `firmware ${l.firmware}` : '',
        l.battery_pct !== null && l.battery_pct !== undefined ? `battery ${l.battery_pct} %` : '',
        l.rssi_dbm !== null && l.rssi_dbm !== undefined ? `signal ${l.rssi_dbm} dBm` : '',
        `last seen ${relative(l.last_seen_ms)}`,
      ]
        .filter(Boolean)
        .join(' · '),
    );
  }

  function renderHealth(): void {
    if (!lock || !health) return;
    replace(healthBody, ...healthPanel(lock, health));
  }

  async function loadHealth(): Promise<void> {
    try {
      health = await api.health(id);
      renderHealth();
    } catch (e) {
      replace(healthBody, h('p', { class: 'muted' }, `The health summary could not be loaded: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  /** "Relocks after 45 s, sound silent. Set through the hub; the lock holds them." */
  function settingsWords(v: LockSettingsView): string {
    if (!v.known || !v.text) return 'The lock has told no settings of its own yet.';
    const text = v.text.charAt(0).toUpperCase() + v.text.slice(1);
    const whose = v.source === 'hub' ? 'Set through the hub' : 'The lock’s own';
    const state =
      v.state === 'pending'
        ? 'being written to the lock'
        : v.state === 'failed'
          ? `the lock did not take them${v.reason ? ` (${v.reason})` : ''}`
          : 'the lock holds them';
    return `${text}. ${whose}; ${state}. The hub keeps them and writes them back after a reset.`;
  }

  async function loadSettings(): Promise<void> {
    try {
      settingsBody.textContent = settingsWords(await api.settings(id));
    } catch (e) {
      settingsBody.textContent =
        e instanceof ApiError && e.kind !== 'unreachable' ? 'This lock keeps no settings the hub can see.' : 'The settings could not be loaded.';
    }
  }

  function addEvents(events: LockEvent[], atTop: boolean): void {
    const fresh = events.filter((e) => !eventIds.has(e.id));
    for (const e of fresh) eventIds.add(e.id);
    const items = fresh.map(eventItem);
    if (atTop) eventsList.prepend(...items);
    else eventsList.append(...items);
    eventsEmpty.hidden = eventIds.size > 0;
  }

  async function loadEvents(older: boolean): Promise<void> {
    moreBtn.disabled = true;
    try {
      const page = await api.events(id, older ? nextBefore : null);
      if (!older) {
        eventIds.clear();
        replace(eventsList);
      }
      addEvents(page.events, false);
      nextBefore = page.next_before;
      moreBtn.hidden = !nextBefore;
    } catch (e) {
      eventsEmpty.hidden = false;
      eventsEmpty.textContent = `Events could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      moreBtn.disabled = false;
    }
  }
  moreBtn.addEventListener('click', () => void loadEvents(true));

  function buildPage(): void {
    if (!lock) return;
    actions = actionControl(lock, () => {
      // Without a stream nothing else brings the new state; the service figures count the command.
      if (streamState.value !== 'live') {
        api.lock(id).then((l) => {
          lock = l;
          locks.set(l.id, l);
          renderLock();
        }, () => {});
        void loadEvents(false);
      }
      void loadHealth();
    });
    history = historyPanel(id, lock.transport);
    replace(
      root,
      h(
        'div',
        { class: 'page lock-page' },
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: href.fleet() }, 'Fleet'), h('span', { 'aria-hidden': 'true' }, ' / '), crumbName),
        h(
          'header',
          { class: 'lock-head' },
          name,
          h('div', { class: 'head-badges' }, conn, state, door),
          meta,
        ),
        notice,
        caseBanner,
        h(
          'div',
          { class: 'lock-grid' },
          h(
            'div',
            { class: 'col' },
            actions.element,
            h('section', { class: 'panel health', 'aria-labelledby': 'health-title' }, h('h2', { id: 'health-title' }, 'Health'), healthBody),
            h('section', { class: 'panel settings', 'aria-labelledby': 'settings-title' }, h('h2', { id: 'settings-title' }, 'Settings'), settingsBody),
          ),
          h(
            'div',
            { class: 'col' },
            history.element,
            h(
              'section',
              { class: 'panel events', 'aria-labelledby': 'events-title' },
              h('h2', { id: 'events-title' }, 'Events'),
              eventsList,
              eventsEmpty,
              moreBtn,
            ),
          ),
        ),
      ),
    );
    renderLock();
    void loadHealth();
    void loadSettings();
    void loadEvents(false);
  }

  async function load(initial: boolean): Promise<void> {
    if (!lock) replace(root, h('div', { class: 'page' }, loadingPanel('the lock')));
    try {
      const fresh = await api.lock(id);
      const first = !lock || !actions;
      lock = fresh;
      locks.set(fresh.id, fresh);
      if (first) buildPage();
      else if (initial) renderLock();
      else {
        renderLock();
        void loadHealth();
        void loadSettings();
        void loadEvents(false);
        history?.reload();
      }
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'not_found') lock = null;
      if (lock && actions) return; // keep showing what we have; the banner says the hub is away
      document.title = 'Lock not available · lockwarden';
      replace(
        root,
        h(
          'div',
          { class: 'page' },
          h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: href.fleet() }, 'Fleet')),
          errorPanel(e, {
            what: e instanceof ApiError && e.kind === 'not_found' ? `lock called “${id}”` : 'this lock',
            retry: () => void load(false),
            back: { href: href.fleet(), label: 'Back to the fleet' },
          }),
        ),
      );
    }
  }

  cleanups.push(
    onLock.on((l) => {
      if (l.id !== id || !actions) return;
      const before = lock;
      lock = l;
      renderLock();
      if (before && (before.connectivity !== l.connectivity || before.case?.id !== l.case?.id)) void loadHealth();
    }),
  );
  cleanups.push(
    onEvent.on((e) => {
      if (e.lock === id && actions) addEvents([e], true);
      // Settings written, refused or found changed come as access_code events.
      if (e.lock === id && actions && e.kind === 'access_code') void loadSettings();
    }),
  );
  cleanups.push(onResync.on(() => void load(false)));
  const ticker = window.setInterval(() => {
    if (lock && actions) renderMeta();
  }, 30_000);
  cleanups.push(() => window.clearInterval(ticker));

  if (lock) buildPage();
  void load(true);

  return () => {
    for (const c of cleanups) c();
    actions?.destroy();
    history?.destroy();
  };
}
