// The one place the app talks HTTP to the hub.
//
// Every request goes through `request()`, which adds the headers (the session
// travels in the hub's HttpOnly cookie; `X-Requested-By` tells the hub the
// request comes from this app and not from another site's form; a bearer token
// can be set with `setAccessToken`) and turns every failure into an `ApiError`
// of one of three kinds:
//   unreachable — no answer from the hub (network down, hub stopped, proxy 5xx);
//   not_found   — the hub answered 404 (an unknown lock, case or endpoint);
//   hub         — any other error answer, with the hub's code and message.

import type {
  AccessCode,
  Action,
  Case,
  EventPage,
  History,
  Hub,
  Lock,
  LockHealth,
  LockSettingsView,
  NewCode,
  PairedKey,
  Pairing,
  Site,
} from './types';

export type ApiErrorKind = 'unreachable' | 'not_found' | 'hub';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status = 0,
    readonly code = '',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const API_BASE = '/api/v1';

let accessToken: string | null = null;
let observeReachability: (reachable: boolean) => void = () => {};
let onSignedOut: () => void = () => {};

/** Calls `handler` when the hub answers 401 to a request: the session expired or was revoked. */
export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler;
}

/** Tells `observer` after every request whether the hub answered. */
export function setReachabilityObserver(observer: (reachable: boolean) => void): void {
  observeReachability = observer;
}

/** Sends `Authorization: Bearer <token>` with every request from now on (null: none). */
export function setAccessToken(token: string | null): void {
  accessToken = token;
}

function headers(extra?: Record<string, string>): Headers {
  const h = new Headers(extra);
  h.set('Accept', 'application/json');
  h.set('X-Requested-By', 'lockwarden-web');
  if (accessToken) h.set('Authorization', `Bearer ${accessToken}`);
  return h;
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = '';
  let message = '';
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? '';
    message = body.error?.message ?? '';
  } catch {
    // Not the hub's JSON error: a proxy or gateway answered for it.
  }
  if (!code && res.status >= 500) {
    return new ApiError('unreachable', 'The hub does not answer.', res.status);
  }
  if (res.status === 404) {
    return new ApiError('not_found', message || 'Not found.', 404, code || 'not_found');
  }
  return new ApiError('hub', message || `The hub answered ${res.status}.`, res.status, code);
}

/** One request; resolves to the response on 2xx, else rejects with an ApiError. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const extra: Record<string, string> = {};
  if (init.body !== undefined) extra['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { ...init, headers: headers(extra) });
  } catch {
    observeReachability(false);
    throw new ApiError('unreachable', 'The hub does not answer.');
  }
  if (!res.ok) {
    const error = await errorOf(res);
    if (res.status === 401) onSignedOut();
    observeReachability(error.kind !== 'unreachable');
    throw error;
  }
  observeReachability(true);
  return res;
}

async function getJson<T>(path: string): Promise<T> {
  const res = await request(path);
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError('hub', 'The hub sent an answer the app cannot read.', res.status);
  }
}

async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await request(path, { method: 'POST', body: JSON.stringify(body ?? {}) });
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export interface Grant {
  site: string;
  role: 'guest' | 'member' | 'manager' | 'owner';
}
export interface Me {
  user: string;
  grants: Grant[];
}

/** Why a sign-in failed: wrong credentials, too many tries (retry after N s), or anything else. */
export type LoginResult = { ok: true; me: Me } | { ok: false; kind: 'wrong' | 'throttled' | 'other'; retryAfterS: number; message: string };

/** POST /auth/login asking for a cookie session (the token never reaches scripts). */
export async function login(user: string, password: string): Promise<LoginResult> {
  let res: Response;
  try {
    res = await fetch(`${API_BASE}/auth/login`, {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ user, password, session: 'cookie' }),
    });
  } catch {
    return { ok: false, kind: 'other', retryAfterS: 0, message: 'The hub does not answer.' };
  }
  if (res.ok) {
    const body = (await res.json()) as Me;
    return { ok: true, me: { user: body.user, grants: body.grants } };
  }
  const error = await errorOf(res);
  if (res.status === 401) return { ok: false, kind: 'wrong', retryAfterS: 0, message: 'Wrong user name or password.' };
  if (res.status === 429) {
    const retry = Number(res.headers.get('Retry-After') ?? '0') || 0;
    return { ok: false, kind: 'throttled', retryAfterS: retry, message: `Too many failed sign-ins. Try again in ${retry} s.` };
  }
  return { ok: false, kind: 'other', retryAfterS: 0, message: error.message };
}

/** Who is signed in, or null when nobody is (401); other failures throw. */
export async function whoAmI(): Promise<Me | null> {
  let res: Response;
  try {
    res = await fetch(`${API_BASE}/me`, { headers: headers() });
  } catch {
    throw new ApiError('unreachable', 'The hub does not answer.');
  }
  if (res.status === 401) return null;
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as Me;
}

/** POST /auth/logout: the hub revokes the session and clears the cookie. */
export async function logout(): Promise<void> {
  try {
    await fetch(`${API_BASE}/auth/logout`, { method: 'POST', headers: headers() });
  } catch {
    // Signed out locally either way.
  }
}

export const api = {
  ping: () => getJson<{ status: string }>('/health'),
  hubs: () => getJson<{ hubs: Hub[] }>('/hubs').then((r) => r.hubs),
  sites: () => getJson<{ sites: Site[] }>('/sites').then((r) => r.sites),
  locks: () => getJson<{ locks: Lock[] }>('/locks').then((r) => r.locks),
  lock: (id: string) => getJson<Lock>(`/locks/${enc(id)}`),
  health: (id: string) => getJson<{ lock: string; health: LockHealth }>(`/locks/${enc(id)}/health`).then((r) => r.health),
  settings: (id: string) =>
    getJson<{ settings: LockSettingsView }>(`/locks/${enc(id)}/settings`).then((r) => r.settings),
  events: (id: string, before?: number | null, limit = 50) =>
    getJson<EventPage>(`/locks/${enc(id)}/events?limit=${limit}${before ? `&before=${before}` : ''}`),
  history: (id: string, days: number, points: number) =>
    getJson<History>(`/locks/${enc(id)}/history?days=${days}&points=${points}`),
  command: (id: string, what: 'lock' | 'unlock') =>
    postJson<{ action: Action }>(`/locks/${enc(id)}/${what}`, {}).then((r) => r.action),
  action: (id: string) => getJson<{ action: Action }>(`/actions/${enc(id)}`).then((r) => r.action),
  cases: (state: 'open' | 'all' = 'open') => getJson<{ cases: Case[] }>(`/cases?state=${state}`).then((r) => r.cases),
  case: (id: number | string) => getJson<{ case: Case }>(`/cases/${enc(String(id))}`).then((r) => r.case),
  outcome: (id: number, step: string, outcome: string) =>
    postJson<{ case: Case }>(`/cases/${id}/outcome`, { step, outcome }).then((r) => r.case),
  confirmCause: (id: number, cause: string) =>
    postJson<{ case: Case }>(`/cases/${id}/cause`, { cause }).then((r) => r.case),
  codes: () => getJson<{ codes: AccessCode[] }>('/codes').then((r) => r.codes),
  addCode: (code: NewCode) => postJson<{ code: AccessCode }>('/codes', code).then((r) => r.code),
  removeCode: (id: string) =>
    request(`/codes/${enc(id)}`, { method: 'DELETE' }).then(async (res) => ((await res.json()) as { code: AccessCode }).code),
  retryCode: (id: string) => postJson<{ code: AccessCode }>(`/codes/${enc(id)}/retry`, {}).then((r) => r.code),
  keys: (id: string) => getJson<{ keys: PairedKey[] }>(`/locks/${enc(id)}/keys`).then((r) => r.keys),
  pair: (id: string, code: string, keyId: string, publicKey: string) =>
    postJson<{ pairing: Pairing }>(`/locks/${enc(id)}/pair`, { code, key_id: keyId, public_key: publicKey }).then(
      (r) => r.pairing,
    ),
  pairing: (id: string) => getJson<{ pairing: Pairing }>(`/pairings/${enc(id)}`).then((r) => r.pairing),
  /** Relays an envelope this browser signed (docs/protocol.md 5.5). */
  relay: (id: string, envelope: string) =>
    postJson<{ action: Action }>(`/locks/${enc(id)}/actions`, { envelope }).then((r) => r.action),
};

/** The URL of a case's support report, for a download link. */
export function reportUrl(caseId: number, format: 'json' | 'markdown'): string {
  return `${API_BASE}/cases/${caseId}/report?format=${format}`;
}

/** The URL of the live event stream. */
export function streamUrl(): string {
  // EventSource cannot send headers: the session cookie authenticates it.
  return `${API_BASE}/stream`;
}
