// Lock / Unlock with live progress: pending (request on its way) → sent (the
// hub stored and sent the signed command) → done or failed (with the reason).
//
// Progress comes from the stream's `action` events. Without a live stream the
// one action in flight is checked once a second until it ends or expires —
// the only repeated request in the app, and bounded by the action's expiry.

import { api, ApiError } from '../api/client';
import type { Action, Lock } from '../api/types';
import { onAction, streamState } from '../state/stream';
import { announce } from '../ui/common';
import { h, replace } from '../ui/dom';
import { icon } from '../ui/icons';
import { actionReason, connectivityInfo } from '../vocabulary';

type Phase = 'idle' | 'pending' | 'sent' | 'done' | 'failed';

export interface ActionControl {
  element: HTMLElement;
  /** The lock changed (stream or re-fetch). */
  update(lock: Lock): void;
  destroy(): void;
}

const kFallbackPollMs = 1000;
const kGraceMs = 3000;

export function actionControl(initial: Lock, onDone: () => void): ActionControl {
  let lock = initial;
  let phase: Phase = 'idle';
  let current: { id: string; what: 'lock' | 'unlock'; expires: number } | null = null;
  const seen = new Map<string, Action>();
  let timer: number | undefined;

  const lockBtn = h(
    'button',
    { type: 'button', class: 'btn btn-primary', 'data-testid': 'btn-lock' },
    icon('lock'),
    h('span', null, 'Lock'),
  );
  const unlockBtn = h(
    'button',
    { type: 'button', class: 'btn', 'data-testid': 'btn-unlock' },
    icon('unlock'),
    h('span', null, 'Unlock'),
  );
  const status = h('p', {
    class: 'action-status',
    'data-testid': 'action-status',
    'data-status': 'idle',
    role: 'status',
    'aria-live': 'polite',
  });
  const hint = h('p', { class: 'hint' });
  const element = h(
    'section',
    { class: 'panel controls', 'aria-labelledby': 'controls-title' },
    h('h2', { id: 'controls-title' }, 'Control'),
    h('div', { class: 'button-row' }, lockBtn, unlockBtn),
    status,
    hint,
  );

  function show(p: Phase, ...text: (string | Node)[]): void {
    phase = p;
    status.dataset.status = p;
    status.className = `action-status action-${p}`;
    const mark =
      p === 'pending' || p === 'sent'
        ? h('span', { class: 'spinner', 'aria-hidden': 'true' })
        : p === 'done'
          ? icon('check', 'icon')
          : p === 'failed'
            ? icon('cross', 'icon')
            : null;
    replace(status, mark, ...text);
    const busy = p === 'pending' || p === 'sent';
    lockBtn.disabled = busy;
    unlockBtn.disabled = busy;
    element.setAttribute('aria-busy', String(busy));
  }

  function updateHint(): void {
    const info = connectivityInfo(lock.connectivity);
    hint.textContent = info.down
      ? `${lock.name} is ${info.label.toLowerCase()}: a command will most likely get no answer until it is back.`
      : '';
  }

  function finish(a: Action): void {
    if (!current || a.id !== current.id) return;
    window.clearTimeout(timer);
    const word = a.action === 'lock' ? 'locked' : a.action === 'unlock' ? 'unlocked' : 'unlatched';
    if (a.status === 'succeeded') {
      show('done', `Done — ${lock.name} is ${word}.`);
      announce(`${lock.name} is ${word}.`);
    } else {
      const reason = a.status === 'expired' ? actionReason('expired') : actionReason(a.reason);
      show('failed', h('span', null, `Failed — ${reason}.`, a.detail ? h('span', { class: 'sub action-detail' }, `The lock said: ${a.detail}.`) : null));
      announce(`${a.action} failed: ${reason}.`);
    }
    current = null;
    onDone();
  }

  function apply(a: Action): void {
    if (!current || a.id !== current.id) return;
    if (a.status === 'pending') {
      if (phase !== 'sent') show('sent', `Sent — waiting for ${lock.name} to confirm…`);
      return;
    }
    finish(a);
  }

  /** Asks the hub about the action in flight: after its expiry, or each second without a stream. */
  function check(): void {
    if (!current) return;
    const id = current.id;
    api.action(id).then(
      (a) => {
        if (!current || current.id !== id) return;
        apply(a);
        if (a.status !== 'pending') return;
        if (Date.now() > current.expires + kGraceMs) {
          finish({ ...a, status: 'expired' });
        } else {
          schedule();
        }
      },
      () => schedule(),
    );
  }

  function schedule(): void {
    if (!current) return;
    window.clearTimeout(timer);
    const live = streamState.value === 'live';
    const untilExpiry = Math.max(0, current.expires - Date.now()) + kGraceMs;
    timer = window.setTimeout(check, live ? untilExpiry : Math.min(kFallbackPollMs, untilExpiry));
  }

  async function send(what: 'lock' | 'unlock'): Promise<void> {
    if (phase === 'pending' || phase === 'sent') return;
    show('pending', `Sending ${what} command…`);
    try {
      const a = await api.command(lock.id, what);
      // The hub's expiry is on its clock; keep the same length on ours.
      current = { id: a.id, what, expires: Date.now() + Math.max(0, a.expires_ms - a.created_ms) };
      apply(seen.get(a.id) ?? a);
      if (current) schedule();
    } catch (e) {
      const msg =
        e instanceof ApiError && e.kind === 'unreachable'
          ? 'the hub does not answer'
          : e instanceof ApiError
            ? e.message
            : String(e);
      show('failed', `Failed — ${msg}.`);
      announce(`${what} failed: ${msg}.`);
    }
  }

  lockBtn.addEventListener('click', () => void send('lock'));
  unlockBtn.addEventListener('click', () => void send('unlock'));

  const off = onAction.on((a) => {
    if (a.lock !== lock.id) return;
    seen.set(a.id, a);
    apply(a);
  });

  show('idle');
  updateHint();

  return {
    element,
    update(l: Lock) {
      lock = l;
      updateHint();
    },
    destroy() {
      off();
      window.clearTimeout(timer);
    },
  };
}
