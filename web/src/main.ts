// The companion app: the page shell (header, connection banner, main area),
// the live stream, and the hash router that mounts one view at a time.

import './styles.css';
import 'uplot/dist/uPlot.min.css';

import { logout, setReachabilityObserver, setSignedOutHandler, whoAmI, type Me } from './api/client';
import { parseRoute, type Route } from './router';
import { casesVersion, hub, loadFleet, openCases, startFleetUpdates } from './state/fleet';
import { hubName, hubReachable, reportReachability, startStream, streamState, type StreamState } from './state/stream';
import { h, replace } from './ui/dom';
import { icon } from './ui/icons';
import { mountCase } from './views/case_view';
import { mountCases } from './views/cases_view';
import { mountCodes } from './views/codes_view';
import { mountFleet } from './views/fleet_view';
import { mountLock } from './views/lock_view';
import { mountLogin } from './views/login_view';
import { mountNotFound } from './views/not_found_view';

/** A mounted view; the function it returns unmounts it. */
export type View = (root: HTMLElement) => () => void;

const STREAM_LABELS: Record<StreamState, { text: string; title: string }> = {
  connecting: { text: 'Connecting…', title: 'Connecting to the hub for live updates.' },
  live: { text: 'Live', title: 'Live updates from the hub are on.' },
  reconnecting: { text: 'Reconnecting…', title: 'The hub does not answer; the app keeps trying.' },
  unavailable: {
    text: 'Live updates off',
    title: 'This hub sends no live updates: what you see is as of loading the page.',
  },
};

/** Set before reloading into the sign-in page because the hub refused the session. */
const kExpiredFlag = 'lw-session-expired';

function buildShell(me: Me): { main: HTMLElement } {
  const app = document.getElementById('app')!;
  const skip = h('a', { class: 'skip-link', href: '#main' }, 'Skip to content');
  skip.addEventListener('click', (e) => {
    e.preventDefault();
    document.getElementById('main')?.focus();
  });

  const hubLabel = h('span', { class: 'hub-name', 'data-testid': 'hub-name' });
  const casesCount = h('span', { class: 'count-badge', 'data-testid': 'nav-cases-count', hidden: true });
  const casesCountWord = h('span', { class: 'sr-only' });
  const fleetLink = h('a', { href: '#/', 'data-testid': 'nav-fleet', 'data-nav': 'fleet' }, 'Fleet');
  // Keypad codes are for managers and owners (of any site).
  const managesCodes = me.grants.some((g) => g.role === 'manager' || g.role === 'owner');
  const codesLink = managesCodes ? h('a', { href: '#/codes', 'data-testid': 'nav-codes', 'data-nav': 'codes' }, 'Codes') : null;
  const casesLink = h(
    'a',
    { href: '#/cases', 'data-testid': 'nav-cases', 'data-nav': 'cases' },
    'Cases',
    casesCount,
    casesCountWord,
  );
  const signOut = h('button', { class: 'btn btn-small', type: 'button', 'data-testid': 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => {
    void logout().then(() => {
      sessionStorage.removeItem(kExpiredFlag);
      location.reload();
    });
  });
  const streamText = h('span', { class: 'stream-text' });
  const streamBadge = h(
    'span',
    { class: 'stream-status', 'data-testid': 'stream-status', role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'stream-dot', 'aria-hidden': 'true' }),
    streamText,
  );
  const header = h(
    'header',
    { class: 'app-header' },
    h(
      'div',
      { class: 'header-inner' },
      h('a', { class: 'brand', href: '#/', 'aria-label': 'lockwarden, fleet overview' }, icon('lock', 'icon brand-icon'), h('span', null, 'lockwarden')),
      hubLabel,
      h('nav', { class: 'main-nav', 'aria-label': 'Main' }, fleetLink, casesLink, codesLink),
      streamBadge,
      h('span', { class: 'signed-in-user', 'data-testid': 'signed-in-user' }, me.user),
      signOut,
    ),
  );
  const banner = h('div', { class: 'banner-slot', 'aria-live': 'assertive' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const announcer = h('div', { id: 'announcer', class: 'sr-only', 'aria-live': 'polite', role: 'status' });
  replace(app, skip, header, banner, main, announcer);

  const showHub = () => {
    const name = hubName.value || hub.value?.id || '';
    hubLabel.textContent = name ? `hub ${name}` : '';
    hubLabel.hidden = !name;
  };
  hubName.subscribe(showHub);
  hub.subscribe(showHub);
  showHub();

  const showCases = () => {
    const n = openCases.value;
    casesCount.hidden = n === null || n === 0;
    casesCount.textContent = n === null ? '' : String(n);
    casesCountWord.textContent = n ? ' open' : '';
  };
  openCases.subscribe(showCases);
  casesVersion.subscribe(showCases);
  showCases();

  const showStream = () => {
    const s = streamState.value;
    streamBadge.dataset.state = s;
    streamBadge.title = STREAM_LABELS[s].title;
    streamText.textContent = STREAM_LABELS[s].text;
  };
  streamState.subscribe(showStream);
  showStream();

  const showBanner = () => {
    if (hubReachable.value) {
      replace(banner);
      return;
    }
    replace(
      banner,
      h(
        'div',
        { class: 'banner banner-down', 'data-testid': 'hub-banner' },
        h('strong', null, 'Hub unreachable — reconnecting…'),
        h('span', null, ' What you see may be out of date until the hub answers again.'),
      ),
    );
  };
  hubReachable.subscribe(showBanner);
  showBanner();

  return { main };
}

function viewFor(route: Route): View {
  switch (route.view) {
    case 'fleet':
      return mountFleet;
    case 'lock':
      return (root) => mountLock(root, route.id);
    case 'cases':
      return mountCases;
    case 'codes':
      return mountCodes;
    case 'case':
      return (root) => mountCase(root, route.id);
    case 'not_found':
      return (root) => mountNotFound(root, route.path);
  }
}

function startApp(me: Me): void {
  sessionStorage.removeItem(kExpiredFlag);
  let signedOut = false;
  setSignedOutHandler(() => {
    if (signedOut) return;
    signedOut = true;
    sessionStorage.setItem(kExpiredFlag, '1');
    location.reload();
  });
  setReachabilityObserver(reportReachability);
  const { main } = buildShell(me);
  startFleetUpdates();
  startStream();
  void loadFleet();

  let unmount: (() => void) | null = null;
  let first = true;
  const route = () => {
    const r = parseRoute(location.hash);
    unmount?.();
    replace(main);
    for (const a of document.querySelectorAll<HTMLAnchorElement>('.main-nav a')) {
      const current = a.dataset.nav === r.view || (a.dataset.nav === 'cases' && r.view === 'case') || (a.dataset.nav === 'fleet' && r.view === 'lock');
      if (current) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    unmount = viewFor(r)(main);
    if (!first) {
      window.scrollTo(0, 0);
      main.focus({ preventScroll: true });
    }
    first = false;
  };
  window.addEventListener('hashchange', route);
  route();
}

/** Signed in: the app; otherwise the sign-in page first. */
async function start(): Promise<void> {
  const app = document.getElementById('app')!;
  let me: Me | null = null;
  try {
    me = await whoAmI();
  } catch {
    me = null;
  }
  if (me) {
    startApp(me);
    return;
  }
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(app, main);
  mountLogin(main, sessionStorage.getItem(kExpiredFlag) === '1', (signedIn) => startApp(signedIn));
}

void start();
