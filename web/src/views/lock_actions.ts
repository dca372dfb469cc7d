// Lock / Unlock with live progress: pending (request on its way) → sent (the
// hub stored and sent the signed command) → done or failed (with the reason).
//
// Progress comes from the stream's `action` events. Without a live stream the
// one action in flight is checked once a second until it ends or expires —
// the only repeated request in the app (besides a pairing's few seconds), and
// bounded by the action's expiry.
//
// When this browser's own key (state/device_key.ts) is paired with the lock,
// Lock and Unlock are signed here with it and the hub only relays them
// (docs/protocol.md 5.5); otherwise the hub signs with its key. The panel
// says which, and offers to pair the browser's key with the lock's label code.

import { api, ApiError } from '../api/client';
import type { Action, Lock, Pairing } from '../api/types';
import { deviceKeysSupported, ensureDeviceKey, loadDeviceKey, signCommand, type DeviceKey } from '../state/device_key';
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
const kPairingPollMs = 400;
const kPairingWaitMs = 40_000;

/** What a failed pairing's outcome means to the person at the door. */
function pairingFailure(p: Pairing): string {
  switch (p.outcome) {
    case 'wrong_code':
      return 'The lock refused the code. Check it against the label and try again.';
    case 'not_in_pairing_mode':
      return 'The lock is not in pairing mode. Press its pairing button, then try again within 2 minutes.';
    case 'too_many_attempts':
      return 'Too many wrong codes: the lock closed its pairing window. Press its pairing button again.';
    case 'timeout':
      return 'The lock did not answer. Is it online, and is its pairing window open?';
    default:
      return `Pairing failed (${p.outcome ?? 'no answer'})${p.detail ? `: ${p.detail}` : ''}.`;
  }
}

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
  let signer: DeviceKey | null = null;
  const signedBy = h('p', { class: 'sub signed-by', 'data-testid': 'signed-by' }, 'Commands are signed by the hub.');
  const codeInput = h('input', {
    'data-testid': 'pair-code-input',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'K7QF-3MZP-9TXD-2HWA',
    minlength: '6',
    maxlength: '32',
    required: true,
  });
  const pairBtn = h('button', { type: 'submit', class: 'btn', 'data-testid': 'pair-submit' }, 'Pair this browser');
  const pairStatus = h('p', { class: 'sub', 'data-testid': 'pair-status', role: 'status', 'aria-live': 'polite' });
  const pairForm = h(
    'form',
    { class: 'pair-form' },
    h(
      'p',
      { class: 'sub' },
      "Give this browser a key of its own, so that only you can sign this lock's commands — not the hub, nor anyone who takes it over. Press the lock's pairing button, then type the code from its label.",
    ),
    h('label', null, 'Label code ', codeInput),
    pairBtn,
    pairStatus,
  );
  const keyPanel = h(
    'details',
    { class: 'device-key', 'data-testid': 'device-key' },
    h('summary', null, "This browser's key"),
    pairForm,
  );
  keyPanel.hidden = true;
  const element = h(
    'section',
    { class: 'panel controls', 'aria-labelledby': 'controls-title' },
    h('h2', { id: 'controls-title' }, 'Control'),
    h('div', { class: 'button-row' }, lockBtn, unlockBtn),
    status,
    hint,
    signedBy,
    keyPanel,
  );

  function showSigner(): void {
    if (signer) {
      signedBy.textContent = `Lock and Unlock are signed in this browser by its own key “${signer.keyId}”; the hub only relays them.`;
      signedBy.dataset.signer = signer.keyId;
      keyPanel.hidden = true;
    } else {
      signedBy.textContent = 'Commands are signed by the hub.';
      delete signedBy.dataset.signer;
    }
  }

  /** Finds out whether this browser's key is paired with the lock. */
  async function findSigner(): Promise<void> {
    if (!(await deviceKeysSupported())) {
      signedBy.textContent =
        'Commands are signed by the hub. (This browser cannot keep a key of its own here: that needs Ed25519 in WebCrypto and a secure connection — https, or the hub on this computer.)';
      return;
    }
    keyPanel.hidden = false;
    const key = await loadDeviceKey();
    if (!key) return;
    try {
      const keys = await api.keys(lock.id);
      if (keys.some((k) => k.key_id === key.keyId && k.public_key === key.publicKey)) signer = key;
    } catch {
      // Unknown: the hub signs, as before.
    }
    showSigner();
  }

  async function pair(code: string): Promise<void> {
    pairBtn.disabled = true;
    replace(pairStatus, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Pairing with the lock…');
    pairStatus.dataset.state = 'pending';
    try {
      const key = await ensureDeviceKey();
      let p = await api.pair(lock.id, code, key.keyId, key.publicKey);
      const deadline = Date.now() + kPairingWaitMs;
      while (p.state === 'pending' && Date.now() < deadline) {
        await new Promise((r) => window.setTimeout(r, kPairingPollMs));
        p = await api.pairing(p.id);
      }
      pairStatus.dataset.state = p.state;
      if (p.state === 'paired') {
        signer = key;
        codeInput.value = '';
        pairStatus.textContent = `Paired: ${lock.name} now trusts this browser's key.`;
        announce(`${lock.name} now trusts this browser's key.`);
        showSigner();
      } else {
        pairStatus.textContent = p.state === 'pending' ? 'The lock did not answer in time.' : pairingFailure(p);
      }
    } catch (e) {
      pairStatus.dataset.state = 'failed';
      pairStatus.textContent = `Pairing failed: ${e instanceof Error ? e.message : String(e)}.`;
    } finally {
      pairBtn.disabled = false;
    }
  }

  pairForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = codeInput.value.trim();
    if (code.length >= 6) void pair(code);
  });

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
      const a = signer
        ? await signCommand(signer, lock.site, lock.id, what).then((c) => api.relay(lock.id, c.envelope))
        : await api.command(lock.id, what);
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
  void findSigner();

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
