// The health summary of one lock: why it is in its state, the battery
// forecast with its confidence, the drain, the link trend and the service
// figures over a day, a week and a month.

import type { BatteryForecast, Lock, LockHealth, ServiceFigures } from '../api/types';
import { day, dayRange, duration, num, percent, relative } from '../format';
import { hubNow } from '../state/stream';
import { fact } from '../ui/common';
import { h } from '../ui/dom';
import { connectivityInfo } from '../vocabulary';

const METHODS: Record<string, string> = {
  none: 'not enough readings yet',
  voltage_trend: 'from the voltage trend',
  voltage_level: 'from the voltage level',
  capacity: 'from the capacity used',
  capacity_start_unknown: 'from the capacity used (start unknown)',
  collapse: 'the voltage is collapsing',
  motor_trend: 'from the motor current trend',
};

type Confidence = 'high' | 'medium' | 'low';

/** How sure the forecast is: the width of its band against the time left. */
export function forecastConfidence(b: BatteryForecast, now = hubNow()): Confidence | null {
  if (!b.dies_ms) return null;
  if (b.latest_ms === null || b.latest_ms === undefined) return 'low';
  const left = b.dies_ms - now;
  if (left <= 0) return 'high';
  const band = b.latest_ms - (b.earliest_ms ?? b.dies_ms);
  const r = band / left;
  return r < 0.5 ? 'high' : r < 1.5 ? 'medium' : 'low';
}

function why(lock: Lock, health: LockHealth): string {
  if (Array.isArray(health.why) && health.why.length) return health.why.join('; ');
  if (typeof health.why === 'string' && health.why) return health.why;
  const info = connectivityInfo(health.connectivity);
  const since = health.connectivity_since_ms ?? lock.connectivity_since_ms;
  const parts = [`${info.label}${since ? ` for ${duration(Math.max(0, hubNow() - since))}` : ''}.`, info.meaning];
  if (health.last_heard_ms) parts.push(`Last heard ${relative(health.last_heard_ms)}.`);
  return parts.filter(Boolean).join(' ');
}

function batteryBlock(b: BatteryForecast | undefined): HTMLElement {
  if (!b || !b.method || b.method === 'none' || !b.dies_ms) {
    return fact('Battery forecast', 'Not enough readings for a forecast yet.');
  }
  const now = hubNow();
  const conf = forecastConfidence(b, now);
  const main = b.dies_ms <= now || (b.days_left ?? 1) <= 0.5 ? 'Replace the batteries now' : `Lasts until ${day(b.dies_ms)}`;
  const days = b.days_left !== null && b.days_left !== undefined && b.days_left > 0.5 ? ` (about ${Math.round(b.days_left)} days)` : '';
  const band =
    b.earliest_ms && b.latest_ms
      ? `Between ${dayRange(b.earliest_ms, b.latest_ms)}`
      : b.earliest_ms
        ? `Not before ${day(b.earliest_ms)}`
        : '';
  return fact(
    'Battery forecast',
    h('strong', { 'data-testid': 'battery-forecast' }, main + days),
    h('br'),
    h(
      'span',
      { class: 'sub' },
      [band, conf ? `${conf} confidence` : '', METHODS[b.method] ?? b.method].filter(Boolean).join(' · '),
    ),
    b.basis ? h('span', { class: 'basis' }, b.basis) : null,
    b.low_battery_dropouts ? h('span', { class: 'flag warn' }, 'Drops off when the motor runs: a sign of low batteries.') : null,
  );
}

function drainBlock(health: LockHealth): HTMLElement {
  const d = health.drain;
  if (!d || !d.days_counted) return fact('Drain', 'Not measured yet (needs a few days of readings).');
  const ratio = d.ratio && d.baseline_mah_per_day ? ` · ${num(d.ratio, 1)}× its usual` : '';
  return fact(
    'Drain',
    `${num(d.pct_per_day, 2)} % a day · ${num(d.mah_per_day, 1)} mAh a day${ratio}`,
    d.jumped
      ? h('span', { class: 'flag warn' }, `Drain jumped${d.since_ms ? ` ${relative(d.since_ms)}` : ''}${d.cause ? `: ${d.cause}` : ''}.`)
      : null,
  );
}

function linkBlock(lock: Lock, health: LockHealth): HTMLElement {
  const l = health.link;
  if (!l || l.level === null || l.level === undefined) return fact('Link', 'No signal readings yet.');
  const lqi = lock.transport === 'zigbee';
  const level = lqi ? `LQI ${Math.round(l.level)}` : `${Math.round(l.level)} dBm`;
  const slope = l.slope_per_day ?? 0;
  const trend =
    Math.abs(slope) < 0.05 ? 'steady' : slope < 0 ? `falling ${num(-slope, 1)} ${lqi ? '' : 'dB '}a day` : `rising ${num(slope, 1)} ${lqi ? '' : 'dB '}a day`;
  const flags: HTMLElement[] = [];
  if (l.weak) flags.push(h('span', { class: 'flag warn' }, 'Weak'));
  if (l.degrading) flags.push(h('span', { class: 'flag warn' }, `Degrading${l.fails_ms ? `: fails around ${day(l.fails_ms)}` : ''}`));
  if (l.recurring_loss_hour_utc !== null && l.recurring_loss_hour_utc !== undefined) {
    flags.push(h('span', { class: 'flag' }, `Drops out daily around ${l.recurring_loss_hour_utc}:00 UTC`));
  }
  return fact(
    'Link',
    `${level}, ${trend}`,
    l.loss_rate_24h ? ` · ${percent(l.loss_rate_24h)} of reports lost in the last 24 h` : '',
    ...flags,
  );
}

function evidence(health: LockHealth): HTMLElement | null {
  const items = [...(health.battery?.evidence ?? []), ...(health.link?.evidence ?? [])];
  if (!items.length) return null;
  return h('div', { class: 'evidence' }, h('h3', null, 'What the hub noticed'), h('ul', null, items.map((t) => h('li', null, t))));
}

function serviceTable(s: LockHealth['service']): HTMLElement | null {
  if (!s) return null;
  const windows: [string, ServiceFigures | undefined][] = [
    ['Day', s.day],
    ['Week', s.week],
    ['Month', s.month],
  ];
  const row = (label: string, cell: (f: ServiceFigures) => string) =>
    h('tr', null, h('th', { scope: 'row' }, label), windows.map(([, f]) => h('td', null, f ? cell(f) : '—')));
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Service figures' },
    h(
      'table',
      { class: 'service' },
      h('caption', null, 'Service over the last day, week and month'),
      h('thead', null, h('tr', null, h('td'), windows.map(([w]) => h('th', { scope: 'col' }, w)))),
      h(
        'tbody',
        null,
        row('Available', (f) => percent(f.availability, 1)),
        row('Commands done', (f) => (f.commands ? `${f.succeeded} of ${f.commands}` : 'none')),
        row('Answer time', (f) => (f.succeeded ? `${duration(f.latency_p50_ms)} (95 %: ${duration(f.latency_p95_ms)})` : '—')),
        row('Offline', (f) => (f.offline_ms ? duration(f.offline_ms) : 'never')),
        row('Flaky', (f) => (f.flaky_ms ? duration(f.flaky_ms) : 'never')),
      ),
    ),
  );
}

export function healthPanel(lock: Lock, health: LockHealth): HTMLElement[] {
  return [
    h('p', { class: 'why', 'data-testid': 'health-why' }, why(lock, health)),
    h('dl', { class: 'facts' }, batteryBlock(health.battery), drainBlock(health), linkBlock(lock, health)),
    evidence(health),
    serviceTable(health.service),
  ].filter((x): x is HTMLElement => x !== null);
}
