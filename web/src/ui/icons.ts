// Icons as SVG markup, drawn with currentColor on a 16×16 grid. Each
// connectivity state has its own shape so it reads without colour.

import { svg } from './dom';

const open = '<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">';

const CONNECTIVITY_ICONS: Record<string, string> = {
  // A tick in a circle.
  online: `${open}<circle cx="8" cy="8" r="6.2"/><path d="M5.2 8.2l1.9 1.9 3.7-4"/></svg>`,
  // An exclamation mark in a triangle.
  suspect: `${open}<path d="M8 1.8l6.4 11.4H1.6z"/><path d="M8 6.2v3"/><path d="M8 11.4v.1"/></svg>`,
  // A cross in a circle.
  offline: `${open}<circle cx="8" cy="8" r="6.2"/><path d="M5.6 5.6l4.8 4.8M10.4 5.6l-4.8 4.8"/></svg>`,
  // Two arrows turning.
  updating: `${open}<path d="M13.2 6.5A5.4 5.4 0 0 0 3.4 5"/><path d="M3.2 2.4V5.2H6"/><path d="M2.8 9.5a5.4 5.4 0 0 0 9.8 1.5"/><path d="M12.8 13.6v-2.8H10"/></svg>`,
  // A crescent moon.
  asleep: `${open}<path d="M13.4 10.2A6 6 0 0 1 5.8 2.6a6 6 0 1 0 7.6 7.6z"/></svg>`,
  // A circle struck through.
  unreachable: `${open}<circle cx="8" cy="8" r="6.2"/><path d="M3.6 12.4l8.8-8.8"/></svg>`,
  // A question mark in a dashed circle.
  unknown: `${open}<circle cx="8" cy="8" r="6.2" stroke-dasharray="2 2"/><path d="M6.4 6.3a1.7 1.7 0 1 1 2.3 1.6c-.5.2-.7.6-.7 1.1v.3"/><path d="M8 11.4v.1"/></svg>`,
};

export function connectivityIcon(state: string): SVGElement {
  return svg(CONNECTIVITY_ICONS[state] ?? CONNECTIVITY_ICONS.unknown);
}

export const ICONS = {
  lock: `${open}<rect x="3" y="7" width="10" height="7" rx="1.5"/><path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2"/></svg>`,
  unlock: `${open}<rect x="3" y="7" width="10" height="7" rx="1.5"/><path d="M5.5 7V5a2.5 2.5 0 0 1 4.9-.7"/></svg>`,
  battery: `${open}<rect x="1.5" y="4.5" width="11.5" height="7" rx="1.2"/><path d="M14.5 7v2"/></svg>`,
  case: `${open}<path d="M8 1.8l6.4 11.4H1.6z"/><path d="M8 6.2v3"/><path d="M8 11.4v.1"/></svg>`,
  check: `${open}<path d="M3.5 8.5l3 3 6-7"/></svg>`,
  cross: `${open}<path d="M4 4l8 8M12 4l-8 8"/></svg>`,
  hub: `${open}<circle cx="8" cy="8" r="1.6"/><path d="M4.8 4.8a4.5 4.5 0 0 0 0 6.4M11.2 4.8a4.5 4.5 0 0 1 0 6.4"/><path d="M2.6 2.6a7.6 7.6 0 0 0 0 10.8M13.4 2.6a7.6 7.6 0 0 1 0 10.8"/></svg>`,
  download: `${open}<path d="M8 2v8M4.8 7L8 10.2 11.2 7"/><path d="M2.5 13.5h11"/></svg>`,
  spinner: `<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M8 2a6 6 0 1 1-6 6" /></svg>`,
} as const;

export function icon(name: keyof typeof ICONS, cls = 'icon'): SVGElement {
  return svg(ICONS[name], cls);
}

/** A battery filled to `pct` (null: unknown, drawn empty). */
export function batteryIcon(pct: number | null | undefined): SVGElement {
  const level = pct === null || pct === undefined ? 0 : Math.max(0, Math.min(100, pct));
  const w = (9 * level) / 100;
  return svg(
    `<svg viewBox="0 0 16 16"><rect x="1.5" y="4.5" width="11.5" height="7" rx="1.2" fill="none" stroke="currentColor" stroke-width="1.4"/><rect x="14" y="6.6" width="1.4" height="2.8" rx="0.5" fill="currentColor"/><rect x="2.75" y="5.75" width="${w.toFixed(2)}" height="4.5" rx="0.5" fill="currentColor"/></svg>`,
    'icon battery-icon',
  );
}

/** Four signal bars, `bars` of them filled. */
export function signalIcon(bars: number): SVGElement {
  const rects = [0, 1, 2, 3]
    .map((i) => {
      const height = 3 + i * 3;
      const cls = i < bars ? 'on' : 'off';
      return `<rect class="${cls}" x="${1 + i * 3.8}" y="${14 - height}" width="2.6" height="${height}" rx="0.6"/>`;
    })
    .join('');
  return svg(`<svg viewBox="0 0 16 16">${rects}</svg>`, 'icon signal-bars');
}
