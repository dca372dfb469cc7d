// What the app knows of the fleet: every lock (fetched once, then kept current
// from the stream's `lock` events), the sites, the hub and the open cases.
// No polling: a resync after the stream comes back fetches everything once.

import { api, ApiError } from '../api/client';
import type { Hub, Lock, Site } from '../api/types';
import { signalBars } from '../format';
import { connectivityInfo } from '../vocabulary';
import { Signal } from './signal';
import { hubName, onCases, onLock, onResync } from './stream';

export type LoadState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ready' } | { kind: 'error'; error: ApiError };

export const locks = new Map<string, Lock>();
/** Bumped whenever `locks` changes. */
export const locksVersion = new Signal(0);
export const locksLoad = new Signal<LoadState>({ kind: 'idle' });
export const sites = new Signal<Site[]>([]);
export const hub = new Signal<Hub | null>(null);
/** The number of open cases; null until known. */
export const openCases = new Signal<number | null>(null);
/** Bumped when the open cases changed (the stream's `cases` event). */
export const casesVersion = new Signal(0);

function toApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError('hub', String(e));
}

/** Fetches the locks, sites and open cases once (again). */
export async function loadFleet(): Promise<void> {
  if (locksLoad.value.kind !== 'ready') locksLoad.set({ kind: 'loading' });
  try {
    const list = await api.locks();
    locks.clear();
    for (const l of list) locks.set(l.id, l);
    locksVersion.set(locksVersion.value + 1);
    locksLoad.set({ kind: 'ready' });
  } catch (e) {
    locksLoad.set({ kind: 'error', error: toApiError(e) });
    return;
  }
  api.sites().then((s) => sites.set(s), () => {});
  api.cases('open').then((c) => openCases.set(c.length), () => {});
  if (!hub.value) {
    api.hubs().then((hs) => {
      if (hs[0]) {
        hub.set(hs[0]);
        if (!hubName.value) hubName.set(hs[0].id);
      }
    }, () => {});
  }
}

/** Fetches the number of open cases once (after this app changed a case). */
export function refreshOpenCases(): void {
  api.cases('open').then((c) => openCases.set(c.length), () => {});
}

export function startFleetUpdates(): void {
  onLock.on((l) => {
    locks.set(l.id, l);
    locksVersion.set(locksVersion.value + 1);
  });
  onCases.on((c) => {
    openCases.set(c.open);
    casesVersion.set(casesVersion.value + 1);
  });
  onResync.on(() => {
    void loadFleet();
    casesVersion.set(casesVersion.value + 1);
  });
}

// ---- What the fleet view filters and counts by -------------------------------

/** Offline for the user: the hub cannot reach the lock (offline or unreachable). */
export function isOffline(l: Lock): boolean {
  return l.connectivity === 'offline' || l.connectivity === 'unreachable';
}

export const kLowBatteryPct = 20;
export const kLowBatteryDays = 14;

/** At or under 20 %, or forecast to die within 14 days. */
export function isLowBattery(l: Lock): boolean {
  if (l.battery_pct !== null && l.battery_pct !== undefined && l.battery_pct <= kLowBatteryPct) return true;
  const d = l.battery_forecast?.days_left;
  return d !== null && d !== undefined && d < kLowBatteryDays;
}

/** Under -75 dBm (one bar or none). */
export function isWeakSignal(l: Lock): boolean {
  return l.rssi_dbm !== null && l.rssi_dbm !== undefined && signalBars(l.rssi_dbm) <= 1;
}

export function hasCase(l: Lock): boolean {
  return !!l.case;
}

/** Lower sorts first: locks that need someone's attention. */
export function attentionRank(l: Lock): number {
  if (connectivityInfo(l.connectivity).down) return 0;
  if (l.case) return 1;
  if (l.connectivity === 'suspect') return 2;
  if (isLowBattery(l)) return 3;
  if (isWeakSignal(l)) return 4;
  return 5;
}
