// The release queue: loads waiting for a BI, a chemical indicator or the day's Bowie–Dick sheet; loads
// quarantined, released early or recalled recently (with reason, operator and how long ago); and each
// sterilizer's Bowie–Dick and leak test of today. Pure.
import { dateTime, esc } from '../../report/format.js';
import { type Locale, reasonName, statusName, t } from '../../report/i18n.js';
import type { ReleaseRow } from '../record-queries.js';

export interface QueueView {
  locale: Locale;
  timeZone: string;
  /** Now, ms (for the ages). */
  now: number;
  today: string;
  days: number;
  sterilizers: readonly string[];
  held: readonly ReleaseRow[];
  blocked: readonly ReleaseRow[];
  dailyTests: readonly ReleaseRow[];
}

/** How long ago, in the largest two units that matter: "7 min", "3 h 5 min", "2 d 4 h". */
export function age(seconds: number, locale: Locale): string {
  const u = (k: 'unit.min' | 'unit.h' | 'unit.d') => t(locale, k);
  const m = Math.max(0, Math.floor(seconds / 60));
  if (m < 60) return `${m} ${u('unit.min')}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} ${u('unit.h')} ${m % 60} ${u('unit.min')}`;
  return `${Math.floor(h / 24)} ${u('unit.d')} ${h % 24} ${u('unit.h')}`;
}

function loadRows(rows: readonly ReleaseRow[], v: QueueView): string {
  const { locale } = v;
  const body = rows
    .map(
      (r) => `<tr data-status="${esc(r.status)}" data-load="${esc(r.loadId)}">
<td><strong>${esc(r.device ?? '—')}</strong></td>
<td>${r.cycleRecordId ? `<a href="/cycles/${esc(r.cycleRecordId)}">${esc(r.cycleNo ?? '—')}</a>` : esc(r.cycleNo ?? '—')}</td>
<td><span class="status s-${esc(r.status)}">${esc(statusName(locale, r.status))}</span></td>
<td>${esc(reasonName(locale, r.reasonCode))}${r.reason ? `<div class="muted small">${esc(r.reason)}</div>` : ''}</td>
<td>${esc(r.operator ?? t(locale, 'record.byGateway'))}</td>
<td class="nowrap">${esc(dateTime(r.at, v.timeZone, false))} <span class="muted">(${esc(age((v.now - Date.parse(r.at)) / 1000, locale))})</span></td></tr>`,
    )
    .join('\n');
  return `<table class="list"><thead><tr><th>${esc(t(locale, 'queue.device'))}</th><th>${esc(t(locale, 'queue.cycle'))}</th><th>${esc(t(locale, 'queue.status'))}</th><th>${esc(t(locale, 'queue.reason'))}</th><th>${esc(t(locale, 'queue.operator'))}</th><th>${esc(t(locale, 'queue.age'))}</th></tr></thead><tbody>${body}</tbody></table>`;
}

function testCell(rows: readonly ReleaseRow[], v: QueueView): string {
  const r = rows.at(-1);
  if (!r) return `<span class="muted">${esc(t(v.locale, 'queue.testNone'))}</span>`;
  const link = r.cycleRecordId ? ` <a href="/cycles/${esc(r.cycleRecordId)}">${esc(dateTime(r.startedAt ?? r.at, v.timeZone, false).slice(11))}</a>` : '';
  return `<span class="status s-${esc(r.status)}">${esc(statusName(v.locale, r.status))}</span>${link}`;
}

export function renderQueue(v: QueueView): string {
  const { locale } = v;
  const daily = v.sterilizers
    .map((d) => {
      const mine = v.dailyTests.filter((r) => r.device === d);
      return `<tr data-device="${esc(d)}"><td><strong>${esc(d)}</strong></td><td class="bd">${testCell(
        mine.filter((r) => r.kind === 'bowie-dick'),
        v,
      )}</td><td class="leak">${testCell(
        mine.filter((r) => r.kind === 'leak-test'),
        v,
      )}</td></tr>`;
    })
    .join('');
  const loads = (rows: readonly ReleaseRow[]) => rows.filter((r) => r.kind !== 'bowie-dick' && r.kind !== 'leak-test');
  const held = loads(v.held);
  const blocked = loads(v.blocked);
  return `<h1>${esc(t(locale, 'queue.title'))}</h1>
<section class="queue-held"><h2>${esc(t(locale, 'queue.held'))} <span class="count">${held.length}</span></h2>${held.length ? loadRows(held, v) : `<p class="empty">${esc(t(locale, 'queue.heldNone'))}</p>`}</section>
<section class="queue-blocked"><h2>${esc(t(locale, 'queue.blocked', { days: v.days }))} <span class="count">${blocked.length}</span></h2>${blocked.length ? loadRows(blocked, v) : `<p class="empty">${esc(t(locale, 'queue.blockedNone', { days: v.days }))}</p>`}</section>
<section class="queue-daily"><h2>${esc(t(locale, 'queue.daily', { date: v.today }))}</h2>
<table class="list daily"><thead><tr><th>${esc(t(locale, 'queue.dailyDevice'))}</th><th>${esc(t(locale, 'queue.bowieDick'))}</th><th>${esc(t(locale, 'queue.leakTest'))}</th></tr></thead><tbody>${daily}</tbody></table></section>`;
}
