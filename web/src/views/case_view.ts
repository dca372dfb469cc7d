// One case of the lock doctor: the ranked causes with their evidence, the
// affected locks, the next step to do (or the question to answer), what the
// hub does by itself, the steps tried, the confirmed cause and the support
// report. Posting an outcome shows the re-planned case the hub answers with.

import { api, ApiError, reportUrl } from '../api/client';
import type { Case, Hypothesis, PlanStep } from '../api/types';
import { percent, relative } from '../format';
import { href } from '../router';
import { casesVersion, locks, locksLoad, refreshOpenCases } from '../state/fleet';
import { onLock, onResync } from '../state/stream';
import { announce, connectivityBadge, errorPanel, loadingPanel } from '../ui/common';
import { h, replace } from '../ui/dom';
import { icon } from '../ui/icons';
import { CAUSE_NAMES, causeName, connectivityInfo, inSentence, isQuestion, STEP_NAMES, stepName } from '../vocabulary';

const kLikely = 0.01;

export function caseTitle(c: Case): string {
  const first = locks.get(c.lock)?.name ?? c.lock;
  const others = c.members.filter((m) => m !== c.lock).length;
  return others > 0 ? `${first} and ${others} more` : first;
}

/** open; back (online again, being watched); fixed (a step was reported to fix it); closed. */
export type CaseStatus = 'open' | 'back' | 'fixed' | 'closed';

export function caseStatus(c: Case): CaseStatus {
  if (c.closed_ms) return 'closed';
  if (c.fixed_by || c.checking) return 'fixed';
  if (c.back_ms) return 'back';
  return 'open';
}

/** Members the hub cannot reach now, as far as the fleet knows. */
function downMembers(c: Case): string[] {
  return c.members.filter((m) => {
    const l = locks.get(m);
    return l !== undefined && connectivityInfo(l.connectivity).down;
  });
}

/** "Resolved — fixed by Replace the batteries". */
export function resolvedText(c: Case): string {
  if (!c.fixed_by) return 'Resolved';
  if (c.fixed_by === 'wait') return 'Resolved — it came back by itself';
  return `Resolved — fixed by ${inSentence(stepName(c.fixed_by))}`;
}

const OUTCOME_WORDS: Record<string, string> = {
  fixed: 'Fixed it',
  not_fixed: 'Did not help',
  yes: 'Yes',
  no: 'No',
};

function causeRow(hy: Hypothesis, rank: number, confirmed: string | null | undefined): HTMLElement {
  const pct = Math.round(hy.p * 100);
  const shown = hy.p >= 0.995 ? '99+' : hy.p > 0 && pct === 0 ? '<1' : String(pct);
  const id = `cause-${hy.cause}`;
  return h(
    'li',
    { class: `cause-row${rank === 0 ? ' top' : ''}`, 'data-testid': 'cause-row', 'data-cause': hy.cause, 'data-p': String(hy.p) },
    h(
      'div',
      { class: 'cause-head' },
      h('span', { class: 'cause-name', id }, causeName(hy.cause)),
      confirmed === hy.cause ? h('span', { class: 'flag ok' }, 'Confirmed') : null,
      h('span', { class: 'cause-p' }, `${shown} %`),
    ),
    h(
      'div',
      { class: 'bar', role: 'meter', 'aria-labelledby': id, 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-valuetext': `${shown} percent likely` },
      h('span', { class: 'bar-fill', style: `width: ${Math.max(hy.p * 100, 0.5).toFixed(1)}%` }),
    ),
    hy.what ? h('p', { class: 'cause-what' }, hy.what) : null,
    hy.evidence_for.length || hy.evidence_against.length
      ? h(
          'ul',
          { class: 'evidence-list' },
          hy.evidence_for.map((t) => h('li', { class: 'for' }, icon('check', 'icon'), h('span', null, h('span', { class: 'sr-only' }, 'For: '), t))),
          hy.evidence_against.map((t) => h('li', { class: 'against' }, icon('cross', 'icon'), h('span', null, h('span', { class: 'sr-only' }, 'Against: '), t))),
        )
      : null,
  );
}

function causesSection(c: Case): HTMLElement {
  const ranked = [...c.hypotheses].sort((a, b) => b.p - a.p);
  const likely = ranked.filter((x, i) => x.p >= kLikely || i === 0);
  const rest = ranked.slice(likely.length);
  return h(
    'section',
    { class: 'panel causes', 'aria-labelledby': 'causes-title' },
    h('h2', { id: 'causes-title' }, 'Likely causes'),
    h('p', { class: 'muted' }, 'Ranked from what the hub saw; each with the evidence for (✓) and against (✗).'),
    h(
      'ol',
      { class: 'cause-list', 'data-testid': 'case-causes' },
      likely.map((x, i) => causeRow(x, i, c.confirmed_cause)),
    ),
    rest.length
      ? h(
          'details',
          { class: 'unlikely' },
          h('summary', null, `${rest.length} unlikely causes`),
          h('ol', { class: 'cause-list' }, rest.map((x) => causeRow(x, 99, c.confirmed_cause))),
        )
      : null,
  );
}

/** A planner note in words: its step ids become step names. */
function noteText(note: string): string {
  const named = (id: string) => (STEP_NAMES[id] ? `“${stepName(id)}”` : id);
  return note.replace(/^[a-z_]+(?=\s)/, named).replace(/\b[a-z]+(?:_[a-z]+)+\b/g, named);
}

function stepDone(c: Case, step: string): boolean {
  return c.history.some((o) => o.step === step);
}

export function mountCase(root: HTMLElement, idText: string): () => void {
  document.title = `Case ${idText} · lockwarden`;
  const cleanups: (() => void)[] = [];
  let current: Case | null = null;
  let posting = false;
  let postError = '';
  const id = /^\d+$/.test(idText) ? Number(idText) : NaN;

  function affected(c: Case): HTMLElement {
    return h(
      'section',
      { class: 'panel affected', 'aria-labelledby': 'affected-title' },
      h('h2', { id: 'affected-title' }, c.members.length === 1 ? 'Affected lock' : `Affected locks (${c.members.length})`),
      h(
        'ul',
        { class: 'affected-list', 'data-testid': 'case-locks' },
        c.members.map((m) => {
          const l = locks.get(m);
          return h(
            'li',
            { 'data-lock-id': m },
            h('a', { href: href.lock(m) }, l?.name ?? m),
            l ? connectivityBadge(l.connectivity) : null,
          );
        }),
      ),
    );
  }

  async function post(step: PlanStep, outcome: string): Promise<void> {
    if (!current || posting) return;
    posting = true;
    postError = '';
    render();
    try {
      const next = await api.outcome(current.id, step.step, outcome);
      current = next;
      posting = false;
      render();
      const n = nextStep(next);
      announce(
        caseStatus(next) === 'closed'
          ? resolvedText(next)
          : n
            ? `Noted. Next: ${stepName(n.step)}.`
            : 'Noted. The hub is working on it.',
      );
      refreshOpenCases();
    } catch (e) {
      posting = false;
      postError = e instanceof ApiError && e.kind === 'unreachable' ? 'The hub does not answer; try again in a moment.' : e instanceof Error ? e.message : String(e);
      render();
    }
  }

  function nextStep(c: Case): PlanStep | undefined {
    return c.plan.steps.find((s) => !s.by_hub);
  }

  function nextStepSection(c: Case): HTMLElement {
    const status = caseStatus(c);
    const step = nextStep(c);
    if (status === 'closed' || (status === 'fixed' && !step)) {
      return h(
        'section',
        { class: 'panel next-step done' },
        h('h2', null, 'Nothing more to do'),
        h('p', null, status === 'closed' ? 'This case is closed. If the lock drops off again the hub opens a new case.' : 'The hub checks that every lock stays back; if one does not, it plans the next step here.'),
      );
    }
    if (!step) {
      return h(
        'section',
        { class: 'panel next-step', 'aria-labelledby': 'next-title' },
        h('h2', { id: 'next-title' }, 'What to do next'),
        h('p', null, 'Nothing for you to do right now: the hub is working on it.'),
      );
    }
    const question = isQuestion(step.kind, step.step);
    const buttons = question
      ? [
          h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'btn-yes', onclick: () => void post(step, 'yes') }, 'Yes'),
          h('button', { type: 'button', class: 'btn', 'data-testid': 'btn-no', onclick: () => void post(step, 'no') }, 'No'),
        ]
      : [
          h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'btn-fixed', onclick: () => void post(step, 'fixed') }, icon('check'), h('span', null, 'Done — it’s back')),
          h('button', { type: 'button', class: 'btn', 'data-testid': 'btn-not-fixed', onclick: () => void post(step, 'not_fixed') }, icon('cross'), h('span', null, 'Didn’t help')),
        ];
    for (const b of buttons) b.disabled = posting;
    const facts = [
      step.minutes ? `About ${Math.round(step.minutes)} min` : '',
      !question && step.p_fix !== undefined ? `${percent(step.p_fix)} chance it fixes it` : '',
    ].filter(Boolean);
    return h(
      'section',
      { class: 'panel next-step', 'data-testid': 'next-step', 'data-step': step.step, 'data-kind': question ? 'question' : 'fix', 'aria-labelledby': 'next-title' },
      h('h2', { id: 'next-title' }, question ? 'Please check' : 'What to do next'),
      h('h3', { class: 'step-title' }, stepName(step.step)),
      h('p', { class: 'instructions' }, step.instructions),
      facts.length ? h('p', { class: 'muted' }, facts.join(' · ')) : null,
      status === 'back' ? h('p', { class: 'muted' }, 'The lock is back online. If it is working again there is nothing more to do; the hub closes the case after 30 quiet minutes.') : null,
      h('div', { class: 'button-row' }, buttons),
      h(
        'p',
        { class: `post-status${postError ? ' error' : ''}`, role: 'status', 'aria-live': 'polite', 'data-testid': 'outcome-status' },
        posting ? 'Saving…' : postError ? `Could not save: ${postError}` : '',
      ),
      c.plan.notes?.length ? h('ul', { class: 'notes', 'aria-label': 'Notes on the plan' }, c.plan.notes.map((n) => h('li', null, noteText(n)))) : null,
    );
  }

  function hubSteps(c: Case): HTMLElement | null {
    const steps = c.plan.steps.filter((s) => s.by_hub);
    if (!steps.length || caseStatus(c) === 'closed' || caseStatus(c) === 'fixed') return null;
    return h(
      'section',
      { class: 'panel hub-steps', 'data-testid': 'hub-steps', 'aria-labelledby': 'hub-steps-title' },
      h('h2', { id: 'hub-steps-title' }, 'What the hub does by itself'),
      h(
        'ul',
        { class: 'step-list' },
        steps.map((s) =>
          h(
            'li',
            { 'data-step': s.step },
            h('span', { class: 'step-name' }, stepName(s.step)),
            h('span', { class: `flag ${stepDone(c, s.step) ? 'ok' : 'busy'}` }, stepDone(c, s.step) ? 'Done' : 'The hub is doing this'),
            h('span', { class: 'sub' }, s.instructions),
          ),
        ),
      ),
    );
  }

  function laterSteps(c: Case): HTMLElement | null {
    if (caseStatus(c) === 'closed' || caseStatus(c) === 'fixed') return null;
    const user = c.plan.steps.filter((s) => !s.by_hub).slice(1);
    if (!user.length) return null;
    return h(
      'details',
      { class: 'panel later-steps' },
      h('summary', null, `If that doesn’t help: ${user.length} more step${user.length === 1 ? '' : 's'}`),
      h(
        'ol',
        { class: 'step-list' },
        user.map((s) =>
          h('li', { 'data-step': s.step }, h('span', { class: 'step-name' }, stepName(s.step)), s.minutes ? h('span', { class: 'sub' }, `about ${Math.round(s.minutes)} min`) : null),
        ),
      ),
    );
  }

  function historySection(c: Case): HTMLElement {
    return h(
      'section',
      { class: 'panel case-history', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'Steps tried'),
      c.history.length
        ? h(
            'ol',
            { class: 'step-list', 'data-testid': 'case-history' },
            c.history.map((o) =>
              h(
                'li',
                { 'data-step': o.step, 'data-outcome': o.outcome },
                h('span', { class: 'step-name' }, stepName(o.step)),
                h('span', { class: `flag ${o.outcome === 'fixed' ? 'ok' : o.outcome === 'not_fixed' ? 'warn' : ''}` }, OUTCOME_WORDS[o.outcome] ?? o.outcome),
              ),
            ),
          )
        : h('p', { class: 'muted', 'data-testid': 'case-history' }, 'None yet.'),
    );
  }

  function confirmSection(c: Case): HTMLElement {
    const ranked = [...c.hypotheses].sort((a, b) => b.p - a.p).map((x) => x.cause);
    const all = [...ranked, ...Object.keys(CAUSE_NAMES).filter((k) => !ranked.includes(k))];
    const select = h(
      'select',
      { id: 'confirm-cause', class: 'input', 'data-testid': 'cause-select' },
      all.map((k) => h('option', { value: k }, causeName(k))),
    );
    select.value = c.confirmed_cause ?? ranked[0] ?? all[0];
    const msg = h('p', { class: 'post-status', role: 'status', 'aria-live': 'polite' }, c.confirmed_cause ? `Confirmed: ${causeName(c.confirmed_cause)}.` : '');
    const button = h('button', { type: 'submit', class: 'btn', 'data-testid': 'btn-confirm-cause' }, 'Confirm cause');
    const form = h(
      'form',
      { class: 'confirm-form' },
      h('label', { for: 'confirm-cause' }, 'What turned out to be the cause?'),
      h('div', { class: 'inline' }, select, button),
      msg,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!current) return;
      button.disabled = true;
      msg.textContent = 'Saving…';
      api.confirmCause(current.id, select.value).then(
        (next) => {
          current = next;
          render();
          announce(`Confirmed: ${causeName(next.confirmed_cause ?? select.value)}.`);
        },
        (err) => {
          button.disabled = false;
          msg.textContent = `Could not save: ${err instanceof Error ? err.message : String(err)}`;
        },
      );
    });
    return h(
      'section',
      { class: 'panel confirm', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title' }, 'Confirm the cause'),
      h('p', { class: 'muted' }, 'Telling the hub what it really was makes its next diagnosis better.'),
      form,
    );
  }

  function reportSection(c: Case): HTMLElement {
    return h(
      'section',
      { class: 'panel report', 'aria-labelledby': 'report-title' },
      h('h2', { id: 'report-title' }, 'Support report'),
      h('p', { class: 'muted' }, 'Everything the maker’s support needs: the lock, the evidence, the steps tried and the timeline.'),
      h(
        'div',
        { class: 'button-row' },
        h('a', { class: 'btn btn-quiet', href: reportUrl(c.id, 'markdown'), download: `lockwarden-case-${c.id}.md`, 'data-testid': 'report-markdown' }, icon('download'), h('span', null, 'Markdown')),
        h('a', { class: 'btn btn-quiet', href: reportUrl(c.id, 'json'), download: `lockwarden-case-${c.id}.json`, 'data-testid': 'report-json' }, icon('download'), h('span', null, 'JSON')),
      ),
    );
  }

  function statusBlock(c: Case): HTMLElement {
    const status = caseStatus(c);
    const opened = `Opened ${relative(c.opened_ms)}`;
    const reason = c.misbehaviour ? ` after ${c.misbehaviour.replace(/_/g, ' ')}` : c.members.length > 1 ? ` when ${c.members.length} locks dropped off together` : '';
    let title: string;
    let detail: string;
    if (status === 'closed') {
      title = resolvedText(c);
      detail = `Closed ${relative(c.closed_ms)}. ${opened}.${c.confirmed_cause ? ` Cause: ${inSentence(causeName(c.confirmed_cause))}.` : ''}`;
    } else if (status === 'fixed') {
      const down = downMembers(c);
      title = down.length
        ? `Waiting for ${down.length === 1 ? locks.get(down[0])?.name ?? down[0] : `${down.length} locks`} to come back`
        : c.checking
          ? 'Checking the fix'
          : resolvedText(c);
      const step = c.fixed_by ?? c.checking?.step;
      const reported = step === 'wait' ? 'It came back by itself.' : `Reported fixed by “${stepName(step)}”.`;
      detail = c.checking
        ? `${reported} ${opened}${reason}. The hub is waiting for ${c.checking.waiting_for}; if that does not show within an hour of the report, the step counts as not having helped and the plan moves on.`
        : `${reported} ${opened}${reason}. The hub closes the case once every lock has been fine for 30 minutes.`;
    } else if (status === 'back') {
      title = 'Back online — watching';
      detail = `${opened}${reason}. Back ${relative(c.back_ms)}; the case closes once every lock has been fine for 30 minutes.`;
    } else {
      const top = [...c.hypotheses].sort((a, b) => b.p - a.p)[0];
      title = top ? `Open — likely ${inSentence(causeName(top.cause))}` : 'Open — diagnosing';
      detail = `${opened}${reason}.`;
    }
    return h(
      'div',
      { class: `case-status status-${status}`, 'data-testid': 'case-status', 'data-state': status, role: 'status' },
      icon(status === 'closed' || status === 'fixed' ? 'check' : 'case', 'icon status-icon'),
      h('div', null, h('strong', { class: 'status-title' }, title), h('span', { class: 'sub' }, detail)),
    );
  }

  function render(): void {
    const c = current;
    if (!c) return;
    document.title = `Case ${c.id}: ${caseTitle(c)} · lockwarden`;
    const focusedTestId = (document.activeElement as HTMLElement | null)?.dataset?.testid;
    const opened = new Set([...root.querySelectorAll('details[open]')].map((d) => d.className));
    replace(
      root,
      h(
        'div',
        { class: 'page case-page', 'data-case-id': String(c.id) },
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: href.cases() }, 'Cases'), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', { 'aria-current': 'page' }, `Case ${c.id}`)),
        h('header', { class: 'case-head' }, h('h1', null, `Case ${c.id}: ${caseTitle(c)}`)),
        statusBlock(c),
        h(
          'div',
          { class: 'case-grid' },
          h('div', { class: 'col' }, nextStepSection(c), hubSteps(c), laterSteps(c), historySection(c), affected(c)),
          h('div', { class: 'col' }, causesSection(c), confirmSection(c), reportSection(c)),
        ),
      ),
    );
    // Keep what the reader opened, and keyboard users where they were, across a re-render.
    for (const d of root.querySelectorAll('details')) if (opened.has(d.className)) d.open = true;
    if (focusedTestId) root.querySelector<HTMLElement>(`[data-testid="${focusedTestId}"]`)?.focus();
  }

  async function load(): Promise<void> {
    if (!Number.isFinite(id)) {
      replace(root, h('div', { class: 'page' }, errorPanel(new ApiError('not_found', 'not found', 404), { what: `case “${idText}”`, back: { href: href.cases(), label: 'All cases' } })));
      return;
    }
    if (!current) replace(root, h('div', { class: 'page' }, loadingPanel('the case')));
    try {
      current = await api.case(id);
      if (!posting) render();
    } catch (e) {
      if (current) return; // keep showing it; the banner says the hub is away
      replace(
        root,
        h(
          'div',
          { class: 'page' },
          h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: href.cases() }, 'Cases')),
          errorPanel(e, {
            what: e instanceof ApiError && e.kind === 'not_found' ? `case ${idText}` : 'this case',
            retry: () => void load(),
            back: { href: href.cases(), label: 'All cases' },
          }),
        ),
      );
    }
  }

  // The open cases changed (or the stream came back): this one may have closed or been re-planned.
  cleanups.push(casesVersion.subscribe(() => void load()));
  cleanups.push(onResync.on(() => void load()));
  // Lock names arrive with the fleet.
  cleanups.push(locksLoad.subscribe(() => current && !posting && render()));
  cleanups.push(
    onLock.on((l) => {
      if (!current || !current.members.includes(l.id)) return;
      if (caseStatus(current) === 'fixed' && !posting) {
        render();
        return;
      }
      const li = root.querySelector(`.affected-list li[data-lock-id="${CSS.escape(l.id)}"]`);
      const badge = li?.querySelector('.badge');
      if (badge) badge.replaceWith(connectivityBadge(l.connectivity));
    }),
  );

  void load();
  return () => {
    for (const c of cleanups) c();
  };
}
