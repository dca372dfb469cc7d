// The one place the app talks HTTP to the hub.
//
// Every request goes through `request()`, which adds the headers (the bearer
// token once the hub has API authentication: set it with `setAccessToken`)
// and turns every failure into an `ApiError` of one of three kinds:
//   unreachable — no answer from the hub (network down, hub stopped, proxy 5xx);
//   not_found   — the hub answered 404 (an unknown lock, case or endpoint);
//   hub         — any other error answer, with the hub's code and message.

import type {
  Action,
  Case,
  EventPage,
  History,
  Hub,
  Lock,
  LockHealth,
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

export const api = {
  ping: () => getJson<{ status: string }>('/health'),
  hubs: () => getJson<{ hubs: Hub[] }>('/hubs').then((r) => r.hubs),
  sites: () => getJson<{ sites: Site[] }>('/sites').then((r) => r.sites),
  locks: () => getJson<{ locks: Lock[] }>('/locks').then((r) => r.locks),
  lock: (id: string) => getJson<Lock>(`/locks/${enc(id)}`),
  health: (id: string) => getJson<{ lock: string; health: LockHealth }>(`/locks/${enc(id)}/health`).then((r) => r.health),
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
};

/** The URL of a case's support report, for a download link. */
export function reportUrl(caseId: number, format: 'json' | 'markdown'): string {
  return `${API_BASE}/cases/${caseId}/report?format=${format}`;
}

/** The URL of the live event stream. */
export function streamUrl(): string {
  // EventSource cannot send headers: once the hub has authentication the token
  // will travel as a query parameter or a cookie, decided here.
  return `${API_BASE}/stream`;
}
