// Battery and signal history of one lock over 7 days, 30 days or a year
// (GET /api/v1/locks/{id}/history), drawn with uPlot.

import { api, ApiError } from '../api/client';
import type { History } from '../api/types';
import { lineChart, type Chart } from '../ui/charts';
import { h, replace } from '../ui/dom';

const RANGES = [
  { days: 7, label: '7 days', points: 336 },
  { days: 30, label: '30 days', points: 360 },
  { days: 365, label: '1 year', points: 365 },
];

let chosenDays = 7;

export interface HistoryPanel {
  element: HTMLElement;
  reload(): void;
  destroy(): void;
}

function summary(values: (number | null)[], unit: string, what: string, days: number): string {
  const known = values.filter((v): v is number => v !== null);
  if (!known.length) return `No ${what} readings in the last ${days} days.`;
  const min = Math.min(...known);
  const max = Math.max(...known);
  return `${what} over the last ${days} days: from ${known[0]} ${unit} to ${known[known.length - 1]} ${unit}, lowest ${min} ${unit}, highest ${max} ${unit}.`;
}

export function historyPanel(lockId: string, transport: string): HistoryPanel {
  const charts: Chart[] = [];
  let request = 0;
  const buttons = RANGES.map((r) => {
    const b = h(
      'button',
      { type: 'button', class: 'segment', 'data-testid': `range-${r.days}`, 'aria-pressed': String(r.days === chosenDays) },
      r.label,
    );
    b.addEventListener('click', () => {
      chosenDays = r.days;
      for (const [i, other] of buttons.entries()) other.setAttribute('aria-pressed', String(RANGES[i].days === chosenDays));
      void load();
    });
    return b;
  });
  const battery = h('div', { class: 'chart', 'data-testid': 'battery-chart', role: 'img', 'aria-label': 'Battery history' });
  const signal = h('div', { class: 'chart', 'data-testid': 'signal-chart', role: 'img', 'aria-label': 'Signal history' });
  const note = h('p', { class: 'chart-note', role: 'status' });
  const batteryBlock = h('div', { class: 'chart-block' }, h('h3', { class: 'chart-title' }, 'Battery'), battery);
  const signalBlock = h('div', { class: 'chart-block' }, h('h3', { class: 'chart-title' }, 'Signal'), signal);

  const element = h(
    'section',
    { class: 'panel history', 'aria-labelledby': 'history-title' },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { id: 'history-title' }, 'History'),
      h('div', { class: 'segmented', role: 'group', 'aria-label': 'Period' }, buttons),
    ),
    note,
    batteryBlock,
    signalBlock,
  );

  function clear(hide = true): void {
    while (charts.length) charts.pop()!.destroy();
    replace(battery);
    replace(signal);
    batteryBlock.hidden = hide;
    signalBlock.hidden = hide;
  }

  function draw(hist: History, days: number): void {
    clear();
    const pts = hist.points ?? [];
    if (!pts.length) {
      note.textContent = `No readings in the last ${days} days.`;
      return;
    }
    note.textContent = '';
    batteryBlock.hidden = false;
    signalBlock.hidden = false;
    const xs = pts.map((p) => p.t_ms / 1000);
    const period: [number, number] = [hist.since_ms / 1000, hist.until_ms / 1000];
    const pct = pts.map((p) => p.battery_pct ?? null);
    const volts = pts.map((p) => (p.voltage_mv === undefined ? null : p.voltage_mv / 1000));
    const hasVolts = volts.some((v) => v !== null);
    charts.push(
      lineChart(
        battery,
        xs,
        [
          { label: 'Battery', values: pct, color: '#2f6f3e', scale: '%', unit: '%' },
          ...(hasVolts ? [{ label: 'Voltage', values: volts, color: '#8a5a00', scale: 'V', unit: 'V', digits: 2 }] : []),
        ],
        [
          { scale: '%', label: 'Battery %', side: 'left', range: [0, 100] },
          ...(hasVolts ? [{ scale: 'V', label: 'Volts', side: 'right' as const, minSpan: 0.4 }] : []),
        ],
        period,
      ),
    );
    battery.setAttribute('aria-label', summary(pct, '%', 'Battery', days));

    const rssi = pts.map((p) => p.rssi_dbm ?? null);
    const lqi = pts.map((p) => p.lqi ?? null);
    const hasRssi = rssi.some((v) => v !== null);
    const hasLqi = lqi.some((v) => v !== null);
    const series = [
      ...(hasRssi ? [{ label: 'Signal', values: rssi, color: '#1f5f99', scale: 'dBm', unit: 'dBm' }] : []),
      ...(hasLqi ? [{ label: 'Link quality', values: lqi, color: '#7a3e9d', scale: 'lqi', unit: '' }] : []),
    ];
    if (series.length) {
      charts.push(
        lineChart(signal, xs, series, [
          ...(hasRssi ? [{ scale: 'dBm', label: 'dBm', side: 'left' as const, minSpan: 20 }] : []),
          ...(hasLqi ? [{ scale: 'lqi', label: 'LQI', side: hasRssi ? ('right' as const) : ('left' as const), range: [0, 255] as [number, number] }] : []),
        ], period),
      );
      signal.setAttribute('aria-label', hasRssi ? summary(rssi, 'dBm', 'Signal', days) : summary(lqi, '', 'Link quality', days));
    } else {
      signal.append(h('p', { class: 'chart-empty' }, transport === 'ble_bridge' ? 'No signal readings.' : 'No signal readings in this period.'));
    }
  }

  async function load(): Promise<void> {
    const range = RANGES.find((r) => r.days === chosenDays) ?? RANGES[0];
    const mine = ++request;
    element.setAttribute('aria-busy', 'true');
    note.textContent = 'Loading history…';
    try {
      const hist = await api.history(lockId, range.days, range.points);
      if (mine !== request) return;
      draw(hist, range.days);
    } catch (e) {
      if (mine !== request) return;
      clear();
      note.textContent =
        e instanceof ApiError && e.kind === 'not_found'
          ? 'This hub keeps no history yet.'
          : e instanceof ApiError && e.kind === 'unreachable'
            ? 'History could not be loaded: the hub does not answer.'
            : `History could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      if (mine === request) element.setAttribute('aria-busy', 'false');
    }
  }

  void load();
  return {
    element,
    reload: () => void load(),
    destroy: () => {
      request++;
      clear();
    },
  };
}
