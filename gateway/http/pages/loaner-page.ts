// The loaner view (docs/web.md, docs/loaner-sets.md): the loaner sets at the CSSD with their status, holds and
// operation due time, those returned lately, and one set's timeline (receipt, washer cycle, packing check,
// sterilizer cycle, release, BI, return) from its signed loaner records. Pure.
import type { LoanerRecordBody } from '../../load/loaner-record.js';
import { dateTime, esc } from '../../report/format.js';
import { type Locale, loanerHoldName, loanerStatusName, loanerStepName, t } from '../../report/i18n.js';
import type { SignedRecord } from '../../store/record.js';
import type { LoanerRow } from '../loaner-queries.js';
import { age } from './queue-page.js';

export interface LoanerListView {
  locale: Locale;
  timeZone: string;
  now: number;
  days: number;
  open: readonly LoanerRow[];
  returned: readonly LoanerRow[];
}

export interface LoanerSetView {
  locale: Locale;
  timeZone: string;
  now: number;
  visit: LoanerRow;
  /** Its loaner records, in seq order. */
  timeline: readonly SignedRecord[];
  /** Every visit of the set (the latest first), to link the others. */
  visits: readonly LoanerRow[];
}

const setHref = (set: string, visit?: string) => `/loaners/${encodeURIComponent(set)}${visit ? `?visit=${encodeURIComponent(visit)}` : ''}`;

function holdsCell(locale: Locale, holds: readonly string[]): string {
  return holds.length
    ? holds.map((h) => `<span class="hold" data-hold="${esc(h)}">${esc(loanerHoldName(locale, h))}</span>`).join(', ')
    : `<span class="muted">${esc(t(locale, 'loaner.noHolds'))}</span>`;
}

const biWord = (locale: Locale, r: string) => (r === 'negative' ? t(locale, 'record.biNegative') : r === 'positive' ? t(locale, 'record.biPositive') : r);

const statusCell = (locale: Locale, status: string) => `<span class="status s-${esc(status)}">${esc(loanerStatusName(locale, status))}</span>`;

function dueCell(r: LoanerRow, v: { locale: Locale; timeZone: string; now: number }): string {
  if (!r.dueAt) return '—';
  const ms = Date.parse(r.dueAt);
  const left = (ms - v.now) / 1000;
  const when = left >= 0 ? `(${esc(age(left, v.locale))})` : `<span class="hold">(${esc(t(v.locale, 'loaner.overdue'))})</span>`;
  return `${esc(dateTime(r.dueAt, v.timeZone, false))} <span class="muted">${when}</span>`;
}

function rows(list: readonly LoanerRow[], v: LoanerListView): string {
  const { locale } = v;
  const body = list
    .map(
      (r) => `<tr data-set="${esc(r.set)}" data-status="${esc(r.status)}"${r.holds.length ? ' class="held"' : ''}>
<td><a href="${esc(setHref(r.set, r.visit))}"><strong>${esc(r.set)}</strong></a></td>
<td>${esc(r.caseRef ?? '—')}</td>
<td>${esc(r.vendor ?? '—')}</td>
<td>${statusCell(locale, r.status)}</td>
<td>${holdsCell(locale, r.holds)}</td>
<td class="nowrap">${r.status === 'returned' ? esc(dateTime(r.at ?? undefined, v.timeZone, false)) : dueCell(r, v)}</td>
<td class="nowrap">${esc(dateTime(r.receivedAt ?? undefined, v.timeZone, false))}</td></tr>`,
    )
    .join('\n');
  const th = (k: Parameters<typeof t>[1]) => `<th>${esc(t(locale, k))}</th>`;
  return `<table class="list loaners"><thead><tr>${th('loaner.set')}${th('loaner.case')}${th('loaner.vendor')}${th('loaner.status')}${th('loaner.holds')}${th('loaner.due')}${th('loaner.received')}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderLoanerList(v: LoanerListView): string {
  const { locale } = v;
  return `<h1>${esc(t(locale, 'loaner.title'))}</h1>
<section class="loaners-open"><h2>${esc(t(locale, 'loaner.open'))} <span class="count">${v.open.length}</span></h2>${v.open.length ? rows(v.open, v) : `<p class="empty">${esc(t(locale, 'loaner.openNone'))}</p>`}</section>
<section class="loaners-returned"><h2>${esc(t(locale, 'loaner.returned', { days: v.days }))} <span class="count">${v.returned.length}</span></h2>${v.returned.length ? rows(v.returned, v) : `<p class="empty">${esc(t(locale, 'loaner.returnedNone', { days: v.days }))}</p>`}</section>`;
}

function step(r: SignedRecord, v: LoanerSetView): string {
  const { locale } = v;
  const b = r.body as unknown as LoanerRecordBody;
  const who =
    [b.operator, b.representative ? t(locale, 'loaner.rep', { id: b.representative }) : null].filter((x) => x).join(' · ') || t(locale, 'loaner.gateway');
  const cycle = b.load?.cycleRecordId ? ` <a href="/cycles/${esc(b.load.cycleRecordId)}">${esc(t(locale, 'loaner.cycleRecord'))}</a>` : '';
  return `<tr data-step="${esc(b.step)}"${b.holds.length ? ' class="held"' : ''}>
<td class="nowrap">${esc(dateTime(b.at, v.timeZone, true))}</td>
<td><strong>${esc(loanerStepName(locale, b.step))}</strong></td>
<td>${statusCell(locale, b.status)}<div>${b.holds.length ? holdsCell(locale, b.holds) : ''}</div></td>
<td>${esc(who)}</td>
<td>${esc(b.text)}${cycle} <span class="muted small">seq ${r.seq}</span></td></tr>`;
}

export function renderLoanerSet(v: LoanerSetView): string {
  const { locale, visit: s } = v;
  const usable = (s.status === 'released' || s.status === 'released_early') && s.holds.length === 0;
  const early = v.timeline.some((r) => (r.body as unknown as LoanerRecordBody).release?.status === 'released_early');
  const bi = [...v.timeline].reverse().find((r) => (r.body as unknown as LoanerRecordBody).bi)?.body as unknown as LoanerRecordBody | undefined;
  const others = v.visits.filter((x) => x.visit !== s.visit);
  const th = (k: Parameters<typeof t>[1]) => `<th>${esc(t(locale, k))}</th>`;
  return `<h1>${esc(t(locale, 'loaner.set'))} ${esc(s.set)}</h1>
<dl class="loaner" data-set="${esc(s.set)}" data-visit="${esc(s.visit)}">
<dt>${esc(t(locale, 'loaner.status'))}</dt><dd>${statusCell(locale, s.status)} · <span class="${usable ? 'usable' : 'not-usable'}">${esc(t(locale, usable ? 'loaner.usable' : 'loaner.notUsable'))}</span>${early ? ` · ${esc(t(locale, 'loaner.earlyReleased'))}` : ''}</dd>
<dt>${esc(t(locale, 'loaner.holds'))}</dt><dd>${holdsCell(locale, s.holds)}</dd>
<dt>${esc(t(locale, 'loaner.case'))}</dt><dd>${esc(s.caseRef ?? '—')}</dd>
<dt>${esc(t(locale, 'loaner.vendor'))}</dt><dd>${esc(s.vendor ?? '—')}</dd>
<dt>${esc(t(locale, 'loaner.due'))}</dt><dd>${s.status === 'returned' ? esc(dateTime(s.dueAt ?? undefined, v.timeZone, false)) : dueCell(s, v)}</dd>
<dt>${esc(t(locale, 'loaner.received'))}</dt><dd>${esc(dateTime(s.receivedAt ?? undefined, v.timeZone, true))}</dd>
${bi?.bi ? `<dt>${esc(t(locale, 'loaner.bi'))}</dt><dd data-bi="${esc(bi.bi.result)}">${esc(biWord(locale, bi.bi.result))}${bi.bi.valid ? '' : ' (—)'} · ${esc(dateTime(bi.bi.readAt, v.timeZone, false))}</dd>` : ''}
</dl>
<section class="loaner-timeline"><h2>${esc(t(locale, 'loaner.timeline'))} <span class="count">${v.timeline.length}</span></h2>
<table class="list"><thead><tr>${th('loaner.when')}${th('loaner.step')}${th('loaner.status')}${th('loaner.who')}${th('loaner.what')}</tr></thead><tbody>${v.timeline.map((r) => step(r, v)).join('\n')}</tbody></table></section>
${
  others.length
    ? `<section class="loaner-visits"><h2>${esc(t(locale, 'loaner.visits'))}</h2><ul>${others
        .map(
          (o) =>
            `<li><a href="${esc(setHref(o.set, o.visit))}">${esc(dateTime(o.receivedAt ?? undefined, v.timeZone, false))}</a> · ${esc(o.caseRef ?? '')} · ${statusCell(locale, o.status)}</li>`,
        )
        .join('')}</ul></section>`
    : ''
}`;
}
