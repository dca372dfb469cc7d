// Time-series charts drawn by uPlot, sized to their container.

import uPlot from 'uplot';

export interface SeriesSpec {
  label: string;
  values: (number | null)[];
  color: string;
  /** The scale (and axis) it is plotted on. */
  scale: string;
  unit: string;
  digits?: number;
}

export interface AxisSpec {
  scale: string;
  label: string;
  side: 'left' | 'right';
  range?: [number, number];
  /** The least span the axis shows, so a steady reading is a flat line, not magnified noise. */
  minSpan?: number;
}

export interface Chart {
  destroy(): void;
}

const kHeight = 200;

function fmt(v: number | null | undefined, unit: string, digits = 0): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)} ${unit}`;
}

/**
 * A line chart over time. `xs` are seconds since the epoch; `xRange`, when
 * given, is the period shown (the one asked for, however few points fall in
 * it). The chart follows its container's width; `destroy` removes it.
 */
export function lineChart(
  container: HTMLElement,
  xs: number[],
  series: SeriesSpec[],
  axes: AxisSpec[],
  xRange?: [number, number],
): Chart {
  const width = () => Math.max(240, Math.floor(container.clientWidth || 600));
  const scales: uPlot.Scales = { x: xRange ? { time: true, auto: false, range: xRange } : { time: true } };
  for (const a of axes) {
    if (a.range) {
      scales[a.scale] = { auto: false, range: a.range };
    } else if (a.minSpan) {
      const span = a.minSpan;
      scales[a.scale] = {
        range: (_u: uPlot, min: number | null, max: number | null): [number, number] => {
          if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, span];
          if (max - min >= span) return [min, max];
          const mid = (min + max) / 2;
          return [mid - span / 2, mid + span / 2];
        },
      };
    } else {
      scales[a.scale] = { auto: true };
    }
  }

  const opts: uPlot.Options = {
    width: width(),
    height: kHeight,
    scales,
    cursor: { drag: { x: false, y: false } },
    legend: { show: true, live: true },
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        scale: s.scale,
        stroke: s.color,
        width: 2,
        spanGaps: true,
        points: { show: xs.length < 60 },
        value: (_u: uPlot, v: number | null) => fmt(v, s.unit, s.digits),
      })),
    ],
    axes: [
      { stroke: '#52606d', grid: { stroke: '#e4e7eb', width: 1 }, ticks: { stroke: '#e4e7eb' } },
      ...axes.map((a) => ({
        scale: a.scale,
        label: a.label,
        side: a.side === 'left' ? 3 : 1,
        stroke: '#52606d',
        grid: { show: a.side === 'left', stroke: '#e4e7eb', width: 1 },
        ticks: { stroke: '#e4e7eb' },
        size: 56,
      })),
    ],
  };
  const data: uPlot.AlignedData = [xs, ...series.map((s) => s.values)];
  const plot = new uPlot(opts, data, container);

  let frame = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => plot.setSize({ width: width(), height: kHeight }));
  });
  observer.observe(container);

  return {
    destroy() {
      cancelAnimationFrame(frame);
      observer.disconnect();
      plot.destroy();
    },
  };
}
