// The cycle history: filters (machine, dates, verdict, program), a search box for a load id or a
// scanned item (a USB scanner types into it and presses Enter), and one row per cycle, newest first,
// with older/newer pages. Pure: the rows come in, HTML goes out.
import { dateTime, duration, esc } from '../../report/format.js';
import { criterionTitle, type Locale, statusName, t, verdictName } from '../../report/i18n.js';
import { encodeCursor, type ParsedHistoryQuery } from '../history-query.js';
import type { CycleRow, HistoryPage } from '../record-queries.js';

export interface HistoryView {
  locale: Locale;
  timeZone: string;
  url: URL;
  devices: readonly { id: string; type: string }[];
  programs: readonly string[];
  query: ParsedHistoryQuery;
  /** The filtered page (no search), or the search's result. */
  page: HistoryPage | null;
  search: { kind: 'item' | 'load'; rows: CycleRow[] } | null;
}

function option(value: string, label: string, selected: string | undefined): string {
  return `<option value="${esc(value)}"${selected === value ? ' selected' : ''}>${esc(label)}</option>`;
}

export function cycleRows(rows: readonly CycleRow[], locale: Locale, timeZone: string): string {
  if (!rows.length) return `<p class="empty">${esc(t(locale, 'history.none'))}</p>`;
  const body = rows
    .map(
      (r) => `<tr class="${r.verdict === 'fail' ? 'fail' : ''}" data-seq="${r.seq}">
<td class="nowrap"><a href="/cycles/${esc(r.recordId)}">${esc(dateTime(r.startedAt, timeZone, false))}</a></td>
<td><strong>${esc(r.device ?? '—')}</strong></td><td>${esc(r.program ?? '—')}</td><td class="num">${esc(r.cycleNo ?? '—')}</td>
<td class="num">${esc(duration(r.durationS))}</td>
<td><span class="verdict ${r.verdict === 'pass' ? 'pass' : 'fail'}">${esc(verdictName(locale, r.verdict))}</span></td>
<td>${r.failed.map((id) => `<span class="crit-fail" title="${esc(id)}">${esc(criterionTitle(locale, id))}</span>`).join(', ')}</td>
<td>${r.loadId || r.ticketLoadId ? `<code>${esc(r.ticketLoadId ?? r.loadId?.slice(0, 8))}</code>` : '—'}</td><td class="num">${r.items || ''}</td>
<td>${r.release ? `<span class="status s-${esc(r.release)}">${esc(statusName(locale, r.release))}</span>` : '—'}</td></tr>`,
    )
    .join('\n');
  return `<table class="list"><thead><tr><th>${esc(t(locale, 'history.started'))}</th><th>${esc(t(locale, 'history.device'))}</th><th>${esc(t(locale, 'history.program'))}</th><th>${esc(t(locale, 'record.cycleNo'))}</th>
<th>${esc(t(locale, 'history.duration'))}</th><th>${esc(t(locale, 'history.verdict'))}</th><th>${esc(t(locale, 'history.failed'))}</th><th>${esc(t(locale, 'history.load'))}</th><th>${esc(t(locale, 'history.items'))}</th><th>${esc(t(locale, 'history.release'))}</th></tr></thead>
<tbody>${body}</tbody></table>`;
}

function pageLink(url: URL, key: 'before' | 'after', cursor: string, label: string): string {
  const q = new URLSearchParams(url.search);
  q.delete('before');
  q.delete('after');
  q.delete('lang');
  q.set(key, cursor);
  return `<a class="button" rel="${key === 'before' ? 'next' : 'prev'}" href="/history?${esc(q.toString())}">${esc(label)}</a>`;
}

export function renderHistory(v: HistoryView): string {
  const { locale, query } = v;
  const f = query.filter;
  const q = v.url.searchParams;
  const devices = v.devices.filter((d) => d.type === 'steam-sterilizer' || d.type === 'washer-disinfector');
  const form = `<form class="filters" method="get" action="/history" role="search">
<label class="search"><span>${esc(t(locale, 'history.search'))}</span><input type="search" name="q" value="${esc(query.search)}" placeholder="${esc(t(locale, 'history.searchHint'))}" autocomplete="off" spellcheck="false"${query.search ? '' : ' autofocus'}></label>
<label><span>${esc(t(locale, 'history.device'))}</span><select name="device">${option('', t(locale, 'history.any'), f.device ?? '')}${devices.map((d) => option(d.id, d.id, f.device)).join('')}</select></label>
<label><span>${esc(t(locale, 'history.program'))}</span><select name="program">${option('', t(locale, 'history.any'), f.program ?? '')}${v.programs.map((p) => option(p, p, f.program)).join('')}</select></label>
<label><span>${esc(t(locale, 'history.verdict'))}</span><select name="verdict">${option('', t(locale, 'history.any'), f.verdict ?? '')}${option('pass', verdictName(locale, 'pass'), f.verdict)}${option('fail', verdictName(locale, 'fail'), f.verdict)}</select></label>
<label><span>${esc(t(locale, 'history.from'))}</span><input type="date" name="from" value="${esc(q.get('from') ?? '')}"></label>
<label><span>${esc(t(locale, 'history.to'))}</span><input type="date" name="to" value="${esc(q.get('to') ?? '')}"></label>
<div class="actions"><button type="submit">${esc(t(locale, 'history.apply'))}</button><a class="button quiet" href="/history">${esc(t(locale, 'history.reset'))}</a></div>
</form>`;
  const problems = query.problems.map((p) => `<p class="problem">${esc(t(locale, 'history.badFilter', { problem: p }))}</p>`).join('');
  let results = '';
  if (v.search) {
    const head =
      v.search.kind === 'item'
        ? v.search.rows.length
          ? t(locale, 'history.itemFound', { code: query.search, count: v.search.rows.length })
          : t(locale, 'history.itemNotFound', { code: query.search })
        : t(locale, 'history.loadFound', { load: query.search });
    results = `<p class="search-result" data-found="${v.search.rows.length}">${esc(head)}</p>${v.search.rows.length || v.search.kind === 'load' ? cycleRows(v.search.rows, locale, v.timeZone) : ''}`;
  } else if (v.page) {
    const nav = [
      v.page.newer ? pageLink(v.url, 'after', encodeCursor(v.page.newer), t(locale, 'history.newer')) : '',
      v.page.older ? pageLink(v.url, 'before', encodeCursor(v.page.older), t(locale, 'history.older')) : '',
    ].join('');
    results = `${cycleRows(v.page.rows, locale, v.timeZone)}${nav ? `<nav class="pager">${nav}</nav>` : ''}`;
  }
  return `<h1>${esc(t(locale, 'history.title'))}</h1>${form}${problems}<section class="results">${results}</section>`;
}
