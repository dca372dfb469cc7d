// Keypad codes: who has a PIN for which doors and when, and whether each lock
// really holds it (the hub only believes a lock's own answer). Adding a code
// sends the PIN once, to the hub, which seals it; the app never shows it again.
// The list refreshes every 2 s while any lock is still being written.

import { ApiError, api } from '../api/client';
import type { AccessCode, CodeSchedule, Lock, Site } from '../api/types';
import { relative } from '../format';
import { errorPanel, loadingPanel } from '../ui/common';
import { h, replace } from '../ui/dom';

const STATE_TEXT: Readonly<Record<string, string>> = {
  set: 'On the lock',
  pending: 'Being sent',
  failed: 'Failed',
  removing: 'Being removed',
  removed: 'Removed',
  no_locks: 'No locks yet',
};

function stateFlag(state: string, testid: string): HTMLElement {
  const tone = state === 'set' ? 'ok' : state === 'failed' ? 'warn' : '';
  return h('span', { class: `flag ${tone}`, 'data-testid': testid, 'data-state': state }, STATE_TEXT[state] ?? state);
}

function codeItem(c: AccessCode, lockName: (id: string) => string, onRemove: () => void, onRetry: () => void): HTMLElement {
  const remove = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'data-testid': 'code-remove' }, 'Remove');
  remove.addEventListener('click', onRemove);
  const retry = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'code-retry' }, 'Send again');
  retry.addEventListener('click', onRetry);
  return h(
    'li',
    { class: 'code-item', 'data-testid': 'code-item', 'data-code-id': c.id, 'data-state': c.state },
    h(
      'div',
      { class: 'code-item-head' },
      h('strong', { 'data-testid': 'code-name' }, c.name),
      h('span', { class: 'muted' }, ` · ${c.lock ? lockName(c.lock) : 'every lock of the site'} · slot ${c.slot} · ${c.schedule_text}`),
      stateFlag(c.state, 'code-state'),
    ),
    h(
      'ul',
      { class: 'code-locks' },
      c.locks.map((l) =>
        h(
          'li',
          { 'data-testid': 'code-on-lock', 'data-lock-id': l.lock, 'data-state': l.state },
          h('span', null, lockName(l.lock)),
          ' ',
          stateFlag(l.state, 'code-lock-state'),
          l.reason ? h('span', { class: 'muted' }, ` ${l.reason}`) : null,
          h('span', { class: 'sub' }, ` ${relative(l.updated_ms)}`),
        ),
      ),
    ),
    h('p', { class: 'actions' }, c.state === 'failed' ? retry : null, c.state === 'removing' ? null : remove),
  );
}

function scheduleFrom(form: HTMLFormElement): CodeSchedule | string {
  const data = new FormData(form);
  const kind = String(data.get('schedule') ?? 'always');
  if (kind === 'always' || kind === 'one_time') return { type: kind };
  if (kind === 'date_range') {
    const from = Date.parse(String(data.get('from') ?? ''));
    const to = Date.parse(String(data.get('to') ?? ''));
    if (Number.isNaN(from) || Number.isNaN(to)) return 'Give both dates of the range.';
    return { type: 'date_range', from_ms: from, to_ms: to };
  }
  const days = data.getAll('day').map(String);
  if (!days.length) return 'Tick at least one day.';
  return {
    type: 'weekly',
    days,
    start: String(data.get('start') || '00:00'),
    end: String(data.get('end') || '24:00'),
    utc_offset_min: -new Date().getTimezoneOffset(),
  };
}

export function mountCodes(root: HTMLElement): () => void {
  document.title = 'Codes · lockwarden';
  let alive = true;
  let timer: number | undefined;
  let sites: Site[] = [];
  let locks: Lock[] = [];
  const lockName = (id: string) => locks.find((l) => l.id === id)?.name ?? id;

  const list = h('div', { class: 'codes-body' }, loadingPanel('the codes'));
  const message = h('p', { class: 'form-message', role: 'status', 'data-testid': 'code-form-message' });
  const siteSelect = h('select', { name: 'site', 'data-testid': 'code-site', required: true }) as HTMLSelectElement;
  const lockSelect = h('select', { name: 'lock', 'data-testid': 'code-lock' }) as HTMLSelectElement;
  const dayBoxes = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) =>
    h('label', { class: 'day' }, h('input', { type: 'checkbox', name: 'day', value: d }), d),
  );
  const scheduleSelect = h(
    'select',
    { name: 'schedule', 'data-testid': 'code-schedule' },
    h('option', { value: 'always' }, 'Always'),
    h('option', { value: 'weekly' }, 'Some days, some hours'),
    h('option', { value: 'date_range' }, 'From a date to a date'),
    h('option', { value: 'one_time' }, 'Once'),
  ) as HTMLSelectElement;
  const weekly = h(
    'fieldset',
    { class: 'schedule-weekly', hidden: true },
    h('legend', null, 'When'),
    dayBoxes,
    h('label', null, 'from ', h('input', { type: 'time', name: 'start', value: '08:00' })),
    h('label', null, ' until ', h('input', { type: 'time', name: 'end', value: '18:00' })),
  );
  const range = h(
    'fieldset',
    { class: 'schedule-range', hidden: true },
    h('legend', null, 'Valid'),
    h('label', null, 'from ', h('input', { type: 'datetime-local', name: 'from' })),
    h('label', null, ' until ', h('input', { type: 'datetime-local', name: 'to' })),
  );
  scheduleSelect.addEventListener('change', () => {
    weekly.hidden = scheduleSelect.value !== 'weekly';
    range.hidden = scheduleSelect.value !== 'date_range';
  });
  const fillLocks = () => {
    replace(
      lockSelect,
      h('option', { value: '' }, 'Every lock of the site'),
      locks.filter((l) => l.site === siteSelect.value).map((l) => h('option', { value: l.id }, l.name || l.id)),
    );
  };
  siteSelect.addEventListener('change', fillLocks);

  const form = h(
    'form',
    { class: 'panel code-form', 'data-testid': 'code-form', autocomplete: 'off' },
    h('h2', null, 'Add a code'),
    h('label', null, 'Site ', siteSelect),
    h('label', null, 'Door ', lockSelect),
    h('label', null, 'For ', h('input', { name: 'name', 'data-testid': 'code-name-input', required: true, maxlength: '64', placeholder: 'Cleaner' })),
    h(
      'label',
      null,
      'PIN ',
      h('input', {
        name: 'pin',
        type: 'password',
        inputmode: 'numeric',
        pattern: '[0-9]{4,10}',
        title: '4 to 10 digits',
        'data-testid': 'code-pin',
        required: true,
        autocomplete: 'new-password',
      }),
    ),
    h('label', null, 'Works ', scheduleSelect),
    weekly,
    range,
    h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'btn', 'data-testid': 'code-add' }, 'Add code')),
    message,
  ) as HTMLFormElement;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const schedule = scheduleFrom(form);
    if (typeof schedule === 'string') {
      message.textContent = schedule;
      return;
    }
    const data = new FormData(form);
    const pinInput = form.elements.namedItem('pin') as HTMLInputElement;
    message.textContent = 'Adding…';
    api
      .addCode({
        site: siteSelect.value,
        ...(lockSelect.value ? { lock: lockSelect.value } : {}),
        name: String(data.get('name') ?? ''),
        pin: pinInput.value,
        schedule,
      })
      .then((c) => {
        pinInput.value = '';
        (form.elements.namedItem('name') as HTMLInputElement).value = '';
        message.textContent = `Added for ${c.name}; the locks are being told.`;
        void load();
      })
      .catch((err: unknown) => {
        message.textContent = err instanceof ApiError ? err.message : String(err);
      });
  });

  replace(
    root,
    h(
      'div',
      { class: 'page codes-page' },
      h('div', { class: 'page-head' }, h('h1', null, 'Keypad codes')),
      h(
        'p',
        { class: 'muted intro' },
        'PINs for the keypads: who, which doors, when. The hub seals each PIN to the lock and counts it as set only when the lock says it holds it.',
      ),
      list,
      form,
    ),
  );

  function render(codes: AccessCode[]): void {
    if (!codes.length) {
      replace(list, h('p', { class: 'panel empty', 'data-testid': 'codes-empty' }, 'No codes yet.'));
      return;
    }
    replace(
      list,
      h(
        'ul',
        { class: 'code-list', 'data-testid': 'code-list' },
        codes.map((c) =>
          codeItem(
            c,
            lockName,
            () => {
              if (!confirm(`Remove the code of ${c.name} from its locks?`)) return;
              void api.removeCode(c.id).then(load, (err: unknown) => (message.textContent = String(err)));
            },
            () => void api.retryCode(c.id).then(load),
          ),
        ),
      ),
    );
  }

  async function load(): Promise<void> {
    window.clearTimeout(timer);
    try {
      const codes = await api.codes();
      if (!alive) return;
      render(codes);
      if (codes.some((c) => c.state === 'pending' || c.state === 'removing')) timer = window.setTimeout(() => void load(), 2000);
    } catch (err) {
      if (!alive) return;
      const forbidden = err instanceof ApiError && err.status === 403;
      replace(
        list,
        forbidden
          ? h('p', { class: 'panel', 'data-testid': 'codes-forbidden' }, 'Keypad codes are managed by the managers and owners of a site.')
          : errorPanel(err, { what: 'the codes', retry: () => void load() }),
      );
      form.hidden = forbidden;
    }
  }

  void Promise.all([api.sites(), api.locks()])
    .then(([s, l]) => {
      if (!alive) return;
      sites = s;
      locks = l;
      replace(siteSelect, sites.map((site) => h('option', { value: site.id }, site.name || site.id)));
      fillLocks();
    })
    .catch(() => {});
  void load();

  return () => {
    alive = false;
    window.clearTimeout(timer);
  };
}
