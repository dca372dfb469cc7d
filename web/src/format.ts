// Numbers and times in words: "2 min ago", "12 Mar", "3 h 20 min".

import { hubNow } from './state/stream';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12 Mar", or "12 Mar 2027" when not this year (or when `withYear`). */
export function day(ms: number, withYear = false): string {
  const d = new Date(ms);
  const now = new Date(hubNow());
  const s = `${d.getDate()} ${MONTHS[d.getMonth()]}`;
  return !withYear && d.getFullYear() === now.getFullYear() ? s : `${s} ${d.getFullYear()}`;
}

/** "between 3 Mar and 20 Mar", with years on both ends when they differ from each other or from now. */
export function dayRange(from: number, to: number): string {
  const years = new Set([new Date(from).getFullYear(), new Date(to).getFullYear(), new Date(hubNow()).getFullYear()]);
  const withYear = years.size > 1;
  return `${day(from, withYear)} and ${day(to, withYear)}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "14:05" */
export function clock(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** "12 Mar, 14:05" */
export function dayTime(ms: number): string {
  return `${day(ms)}, ${clock(ms)}`;
}

/** "just now", "2 min ago", "3 h ago", "5 days ago"; in the future "in 3 days". */
export function relative(ms: number | null | undefined, now = hubNow()): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'never';
  const diff = now - ms;
  const future = diff < 0;
  const s = Math.abs(diff) / 1000;
  let text: string;
  if (s < 45) return future ? 'in a moment' : 'just now';
  if (s < 90) text = '1 min';
  else if (s < 3600) text = `${Math.round(s / 60)} min`;
  else if (s < 36 * 3600) text = `${Math.round(s / 3600)} h`;
  else if (s < 60 * 86400) text = `${Math.round(s / 86400)} days`;
  else text = `${Math.round(s / (30 * 86400))} months`;
  return future ? `in ${text}` : `${text} ago`;
}

/** "3 h 20 min", "45 s", "2 days 4 h". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} days ${h % 24} h` : `${d} days`;
}

/** 0.8234 → "82 %"; null → "—". */
export function percent(p: number | null | undefined, digits = 0): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  return `${(p * 100).toFixed(digits)} %`;
}

export function num(v: number | null | undefined, digits = 0, unit = ''): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** The short battery outlook of a lock: "lasts until 12 Mar", "replace now". */
export function batteryOutlook(diesMs: number | null | undefined, daysLeft: number | null | undefined): string {
  if (daysLeft !== null && daysLeft !== undefined && daysLeft <= 0.5) return 'replace now';
  if (diesMs === null || diesMs === undefined || !Number.isFinite(diesMs)) return '';
  if (diesMs <= hubNow()) return 'replace now';
  return `lasts until ${day(diesMs)}`;
}

/** Signal bars 0..4 of an RSSI in dBm. */
export function signalBars(rssi: number | null | undefined): number {
  if (rssi === null || rssi === undefined) return 0;
  if (rssi >= -55) return 4;
  if (rssi >= -65) return 3;
  if (rssi >= -75) return 2;
  if (rssi >= -85) return 1;
  return 0;
}

export function signalWord(rssi: number | null | undefined): string {
  if (rssi === null || rssi === undefined) return 'No signal data';
  return ['Very weak', 'Weak', 'Fair', 'Good', 'Excellent'][signalBars(rssi)];
}
