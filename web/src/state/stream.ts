// The hub's live event stream (GET /api/v1/stream, Server-Sent Events).
//
// Events: `hello` {hub, time}; `lock` (a lock as GET /locks/{id}); `event`
// (one lock event); `action` (an action as GET /actions/{id}); `cases`
// {open, ids} when the open cases change.
//
// States: connecting → live; while the hub does not answer, `reconnecting`
// (the browser retries, and so do we when it gives up); a hub that answers but
// has no stream is `unavailable`: the app then works from one-off fetches.
// After a reconnect `resync` fires: events may have been missed, so whoever
// holds data fetches it once again.

import { api, streamUrl } from '../api/client';
import type { Action, Lock, LockEvent, StreamCases, StreamHello } from '../api/types';
import { Emitter, Signal } from './signal';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

export const streamState = new Signal<StreamState>('connecting');
/** False while the hub does not answer (the stream or a request found it down). */
export const hubReachable = new Signal<boolean>(true);
/** The hub's id from the stream's hello. */
export const hubName = new Signal<string>('');
/** Hub clock minus browser clock, in ms, from the stream's hello (0 if unknown). */
export const clockSkewMs = new Signal<number>(0);

export const onLock = new Emitter<Lock>();
export const onEvent = new Emitter<LockEvent>();
export const onAction = new Emitter<Action>();
export const onCases = new Emitter<StreamCases>();
export const onResync = new Emitter<void>();

const kMaxBackoffMs = 15_000;
/** Without a stream, how often the hub is checked for one (and for being there at all). */
const kUnavailableRetryMs = 15_000;
/** A live stream silent this long gets one probe of the hub (a proxy may hold a dead stream open). */
const kSilenceMs = 60_000;

let source: EventSource | null = null;
let retryTimer: number | undefined;
let backoffMs = 1000;
let everLive = false;
let lostSinceLive = false;
let lastHeard = 0;

function parse<T>(e: Event): T | null {
  try {
    return JSON.parse((e as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}

function on<T>(es: EventSource, name: string, emit: (v: T) => void): void {
  es.addEventListener(name, (e) => {
    lastHeard = Date.now();
    const v = parse<T>(e);
    if (v !== null) emit(v);
  });
}

function scheduleRetry(ms: number): void {
  window.clearTimeout(retryTimer);
  retryTimer = window.setTimeout(open, ms);
}

/** The browser gave up on the stream: find out whether the hub or only the stream is missing. */
async function afterClosed(): Promise<void> {
  const wasReachable = hubReachable.value;
  try {
    await api.hubs();
    if (!wasReachable) onResync.emit();
    hubReachable.set(true);
    streamState.set('unavailable');
    scheduleRetry(kUnavailableRetryMs);
  } catch {
    hubReachable.set(false);
    streamState.set('reconnecting');
    scheduleRetry(backoffMs);
    backoffMs = Math.min(backoffMs * 2, kMaxBackoffMs);
  }
}

function open(): void {
  source?.close();
  if (typeof EventSource === 'undefined') {
    streamState.set('unavailable');
    return;
  }
  const es = new EventSource(streamUrl());
  source = es;
  es.addEventListener('open', () => {
    lastHeard = Date.now();
    backoffMs = 1000;
    streamState.set('live');
    const wasReachable = hubReachable.value;
    hubReachable.set(true);
    if ((everLive && lostSinceLive) || !wasReachable) onResync.emit();
    everLive = true;
    lostSinceLive = false;
  });
  es.addEventListener('error', () => {
    if (source !== es) return;
    if (everLive) lostSinceLive = true;
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      void afterClosed();
    } else {
      // The browser reconnects by itself.
      hubReachable.set(false);
      streamState.set('reconnecting');
    }
  });
  on<StreamHello>(es, 'hello', (h) => {
    if (h.hub) hubName.set(h.hub);
    const t = h.time_ms;
    if (typeof t === 'number' && Number.isFinite(t)) clockSkewMs.set(Math.abs(t - Date.now()) > 5000 ? t - Date.now() : 0);
  });
  on<Lock>(es, 'lock', (l) => onLock.emit(l));
  on<LockEvent>(es, 'event', (e) => onEvent.emit(e));
  // The hub sends {"action": {...}} as GET /actions/{id} does; a bare action is taken too.
  on<Action | { action: Action }>(es, 'action', (a) => onAction.emit('action' in a && typeof a.action === 'object' ? a.action : (a as Action)));
  on<StreamCases>(es, 'cases', (c) => onCases.emit(c));
}

/** Opens the stream (once). */
export function startStream(): void {
  if (source !== null) return;
  open();
  window.setInterval(() => {
    if (streamState.value !== 'live' || Date.now() - lastHeard < kSilenceMs) return;
    lastHeard = Date.now();
    // A failure comes back through reportReachability(false).
    api.ping().catch(() => {});
  }, kSilenceMs / 4);
}

/** Whether a request found the hub answering (wired to the API client). */
export function reportReachability(reachable: boolean): void {
  if (!reachable) {
    if (streamState.value === 'live') {
      // The stream looks open but the hub does not answer: start over.
      lostSinceLive = true;
      hubReachable.set(false);
      streamState.set('reconnecting');
      open();
      return;
    }
    hubReachable.set(false);
    // Without a live stream nothing else notices the hub coming back.
    if (streamState.value === 'unavailable') scheduleRetry(backoffMs);
  } else if (streamState.value === 'unavailable') {
    hubReachable.set(true);
  }
}

/** The hub's clock now, in ms since the epoch. */
export function hubNow(): number {
  return Date.now() + clockSkewMs.value;
}
