// The cycle record as a person reads it: header, curve, criteria in words, load contents, indicator
// results, release history, integrity. One pure function per section; `renderCycleReport` puts them in
// one self-contained HTML document laid out for A4 (the printable report and `sterilink report`), and
// `renderCycleRecord` gives the same sections for the web page (plus the machine's printout).

import type { SignedRecord } from '../store/record.js';
import { type CriterionId, LIMIT_SENSE, type Program } from '../verify/index.js';
import { renderCurveSvg } from './curve-svg.js';
import { type BiView, biViewOf, type CycleView, cycleViewOf, type ReleaseView, releaseViewOf } from './cycle-view.js';
import { dateTime, duration, esc, num, shortHex } from './format.js';
import { criterionTitle, cycleKindName, deviceTypeName, htmlLang, type Locale, phaseName, reasonName, resultName, statusName, t, verdictName } from './i18n.js';
import { REPORT_CSS } from './report-css.js';

export interface IntegrityStatus {
  /** The hash recomputed from the record's content equals its `hash`. */
  hashValid: boolean;
  /** Signature checked with the key the store registered for `keyId`; null when that key is unknown. */
  signatureValid: boolean | null;
  /** prevHash equals the previous record's hash and the next record (if any) names this one; null
   * when the neighbours could not be read. */
  chainLinked: boolean | null;
}

export interface ReportInput {
  record: SignedRecord;
  /** The `release` records of this cycle's load, in seq order. */
  releases: readonly SignedRecord[];
  /** The `bi` records linked to this cycle, in seq order. */
  biRecords: readonly SignedRecord[];
  integrity: IntegrityStatus;
  /** The program the record names, as the gateway knows it (for the band on the curve). */
  program?: Readonly<Program> | undefined;
  locale: Locale;
  /** IANA zone the times are shown in (the site's). */
  timeZone: string;
  /** When the report is made (ISO); passed in, so the function stays pure. */
  generatedAt: string;
  version: string;
}

export interface RecordPageExtras {
  /** The machine's printout lines of this cycle (the page shows them; the report gives their digest). */
  printout?: readonly string[];
  /** Link to the printable report. */
  reportHref?: string;
}

/** The temperature band the curve shades: steam set..set+band, washer disinfection band. */
export function bandOf(p: Readonly<Program> | undefined): { lo: number; hi: number } | null {
  if (!p) return null;
  if (p.kind === 'washer') return { lo: p.disinfectTempC, hi: p.disinfectTempC + p.disinfectBandK };
  if (p.kind === 'leak-test') return null;
  return { lo: p.setTempC, hi: p.setTempC + p.bandK };
}

function reportTitle(v: CycleView, locale: Locale): string {
  if (v.deviceType === 'washer-disinfector') return t(locale, 'record.reportTitleWasher');
  if (v.criteria.some((c) => c.id === 'bowie_dick' || c.id === 'leak_rate')) return t(locale, 'record.reportTitleTest');
  return t(locale, 'record.reportTitleSteam');
}

const yesNo = (locale: Locale, x: boolean | null) => (x === null ? t(locale, 'record.unknown') : t(locale, x ? 'record.yes' : 'record.no'));
const passClass = (x: boolean | null) => (x === true ? 'ok' : x === false ? 'bad' : 'na');

function fact(label: string, value: string, cls = ''): string {
  return `<div class="fact${cls ? ` ${cls}` : ''}"><dt>${esc(label)}</dt><dd>${value}</dd></div>`;
}

export function headerSection(v: CycleView, input: Pick<ReportInput, 'locale' | 'timeZone'>, title: string): string {
  const { locale, timeZone } = input;
  const programText = v.program
    ? `${esc(v.programTitle ?? v.program)}${v.programTitle ? ` <span class="muted">(${esc(v.program)})</span>` : ''}${v.programNo !== null ? ` <span class="muted">${esc(t(locale, 'record.programNo', { no: v.programNo }))}</span>` : ''}`
    : '—';
  const endText = [v.end.status, v.end.code, v.end.text].filter(Boolean).join(' · ') || v.end.reason || '—';
  return `<header class="cr-head ${v.verdict === 'pass' ? 'v-pass' : 'v-fail'}">
<div class="cr-title"><h1>${esc(title)}</h1><div class="muted">${esc(t(locale, 'record.site'))} ${esc(v.site)} · ${esc(t(locale, 'record.gateway'))} ${esc(v.gateway)}</div></div>
<div class="cr-verdict" data-verdict="${esc(v.verdict)}"><span class="cr-verdict-label">${esc(t(locale, 'record.verdict'))}</span><strong>${esc(verdictName(locale, v.verdict))}</strong></div>
</header>
<dl class="cr-facts">
${fact(t(locale, 'record.device'), `<strong>${esc(v.device)}</strong>${v.deviceType ? ` <span class="muted">${esc(deviceTypeName(locale, v.deviceType))}</span>` : ''}`)}
${fact(t(locale, 'record.program'), programText, 'wide')}
${fact(t(locale, 'record.cycleNo'), `<strong>${esc(v.cycleNo ?? '—')}</strong>`)}
${fact(t(locale, 'record.started'), esc(dateTime(v.startedAt, timeZone)))}
${fact(t(locale, 'record.ended'), esc(dateTime(v.endedAt, timeZone)))}
${fact(t(locale, 'record.duration'), esc(duration(v.durationS)))}
${fact(t(locale, 'record.operator'), esc(v.operator ?? '—'))}
${fact(t(locale, 'record.ticketLoad'), esc(v.ticketLoadId ?? '—'))}
${fact(t(locale, 'record.endReason'), esc(endText))}
</dl>`;
}

export function curveSection(v: CycleView, input: Pick<ReportInput, 'locale' | 'program'>): string {
  const { locale } = input;
  const band = bandOf(input.program);
  const washer = input.program?.kind === 'washer' || v.deviceType === 'washer-disinfector';
  const svg = v.curve
    ? renderCurveSvg(
        v.curve,
        { band, hold: v.hold, phaseStarts: v.phases.map((p) => p.t_s ?? 0) },
        {
          temp: t(locale, 'record.curveTemp'),
          temp2: t(locale, 'record.curveTemp2'),
          pressure: t(locale, 'record.curvePressure'),
          band: t(locale, washer ? 'record.curveBandWasher' : 'record.curveBand'),
          hold: t(locale, 'record.curveHold'),
          minutes: t(locale, 'record.curveMinutes'),
        },
      )
    : null;
  const s = v.stats;
  const stats = [
    s.tempMinC !== null ? t(locale, 'record.tempRange', { min: num(s.tempMinC), max: num(s.tempMaxC) }) : '',
    s.pressureMinKpa !== null ? t(locale, 'record.pressureRange', { min: num(s.pressureMinKpa), max: num(s.pressureMaxKpa) }) : '',
    s.f0Min !== null ? t(locale, 'record.f0', { value: num(s.f0Min) }) : '',
    s.a0 !== null ? t(locale, 'record.a0', { value: num(s.a0, 0) }) : '',
    s.samples !== null ? t(locale, 'record.samples', { count: s.samples }) : '',
  ].filter(Boolean);
  const body =
    svg ??
    `<p class="muted">${esc(t(locale, 'record.noCurve', { reason: v.basis === 'summary' ? t(locale, 'record.summaryOnly') : t(locale, 'word.none') }))}</p>`;
  const phases = v.phases.length
    ? `<p class="cr-phases">${v.phases.map((p) => `<span>${esc(phaseName(locale, p.phase))} <span class="muted">${p.t_s !== null ? esc(duration(p.t_s)) : ''}</span></span>`).join(' → ')}</p>`
    : '';
  return `<section class="cr-curve"><h2>${esc(t(locale, 'record.curve'))}</h2>${body}<p class="cr-stats">${stats.map(esc).join(' · ')}</p>${phases}</section>`;
}

function measuredText(c: CycleView['criteria'][number]): string {
  if (c.measured === null) return '—';
  return typeof c.measured === 'number' ? `${num(c.measured, 2)}${c.unit ? ` ${c.unit}` : ''}` : c.measured;
}

function limitText(c: CycleView['criteria'][number]): string {
  if (c.limit === null) return '—';
  const sense = LIMIT_SENSE[c.id as CriterionId];
  const value = typeof c.limit === 'number' ? `${num(c.limit, 2)}${c.unit ? ` ${c.unit}` : ''}` : c.limit;
  return sense && sense !== '=' ? `${sense} ${value}` : value;
}

export function criteriaSection(v: CycleView, locale: Locale): string {
  const rows = v.criteria
    .map(
      (c) => `<tr class="crit ${passClass(c.pass)}" data-criterion="${esc(c.id)}">
<td class="crit-name"><strong>${esc(criterionTitle(locale, c.id))}</strong><br><code>${esc(c.id)}</code></td>
<td class="num">${esc(measuredText(c))}</td><td class="num">${esc(limitText(c))}</td>
<td class="res"><span class="badge ${passClass(c.pass)}">${esc(resultName(locale, c.pass))}</span></td>
<td class="detail">${esc(c.detail)}</td></tr>`,
    )
    .join('\n');
  return `<section class="cr-criteria"><h2>${esc(t(locale, 'record.criteria'))}</h2>
<table><thead><tr><th>${esc(t(locale, 'record.criterion'))}</th><th>${esc(t(locale, 'record.measured'))}</th><th>${esc(t(locale, 'record.limit'))}</th><th>${esc(t(locale, 'record.result'))}</th><th>${esc(t(locale, 'record.detail'))}</th></tr></thead>
<tbody>${rows}</tbody></table>${v.interruptions ? `<p class="warn">${esc(t(locale, 'record.interrupted', { count: v.interruptions }))}</p>` : ''}</section>`;
}

/** Items beyond this many go into one line per page of the report (the page shows them all). */
const ITEMS_SHOWN_IN_FULL = 40;

export function loadSection(v: CycleView, locale: Locale): string {
  const load = v.load;
  if (!load || load.items.length === 0) {
    const id = load?.loadId ? `<p class="muted">${esc(t(locale, 'record.loadId'))} ${esc(load.loadId)}</p>` : '';
    return `<section class="cr-load"><h2>${esc(t(locale, 'record.load'))}</h2>${id}<p class="muted">${esc(t(locale, 'record.noLoad'))}</p></section>`;
  }
  const shown = load.items.slice(0, ITEMS_SHOWN_IN_FULL);
  const rows = shown
    .map(
      (i) =>
        `<tr${i.implant ? ' class="implant"' : ''}><td><code>${esc(i.gtin ?? i.code ?? i.raw)}</code>${i.implant ? ` <span class="tag">${esc(t(locale, 'record.implant'))}</span>` : ''}${i.expired ? ` <span class="tag bad">${esc(t(locale, 'record.expired'))}</span>` : ''}</td><td>${esc(i.serial ?? '—')}</td><td>${esc(i.lot ?? '—')}</td><td>${esc(i.expiry ?? '—')}</td></tr>`,
    )
    .join('\n');
  const more = load.items.length > shown.length ? `<p class="muted">${esc(t(locale, 'word.more', { count: load.items.length - shown.length }))}</p>` : '';
  return `<section class="cr-load"><h2>${esc(t(locale, 'record.load'))} <span class="muted">(${load.items.length})</span></h2>
<p class="muted">${esc(t(locale, 'record.loadId'))} <code>${esc(load.loadId ?? '—')}</code>${load.operator ? ` · ${esc(t(locale, 'record.loadOperator'))} ${esc(load.operator)}` : ''}</p>
<table class="items"><thead><tr><th>${esc(t(locale, 'record.item'))}</th><th>${esc(t(locale, 'record.serial'))}</th><th>${esc(t(locale, 'record.lot'))}</th><th>${esc(t(locale, 'record.expiry'))}</th></tr></thead><tbody>${rows}</tbody></table>${more}</section>`;
}

function indicatorResult(locale: Locale, x: string | null, required: boolean): string {
  if (x === 'pass') return `<span class="badge ok">${esc(t(locale, 'record.indicatorPass'))}</span>`;
  if (x === 'fail') return `<span class="badge bad">${esc(t(locale, 'record.indicatorFail'))}</span>`;
  return `<span class="muted">${esc(t(locale, required ? 'record.notRecorded' : 'record.notRequired'))}</span>`;
}

function biResult(locale: Locale, r: string): string {
  if (r === 'negative') return `<span class="badge ok">${esc(t(locale, 'record.biNegative'))}</span>`;
  if (r === 'positive') return `<span class="badge bad">${esc(t(locale, 'record.biPositive'))}</span>`;
  return `<span class="badge na">${esc(t(locale, 'record.biInvalidResult'))}</span>`;
}

export function indicatorsSection(
  v: CycleView,
  releases: readonly ReleaseView[],
  bis: readonly BiView[],
  input: Pick<ReportInput, 'locale' | 'timeZone'>,
): string {
  const { locale, timeZone } = input;
  const latest = releases.at(-1);
  const ev = latest?.evidence;
  const isBd = v.criteria.some((c) => c.id === 'bowie_dick');
  const rows: string[] = [];
  rows.push(`<tr><th>${esc(t(locale, 'record.ci'))}</th><td>${indicatorResult(locale, ev?.ci ?? null, latest?.reasonCode === 'ci-required')}</td></tr>`);
  if (ev?.class5) rows.push(`<tr><th>${esc(t(locale, 'record.class5'))}</th><td>${indicatorResult(locale, ev.class5, true)}</td></tr>`);
  if (isBd || ev?.bowieDickSheet)
    rows.push(`<tr><th>${esc(t(locale, 'record.bdSheet'))}</th><td>${indicatorResult(locale, ev?.bowieDickSheet ?? null, isBd)}</td></tr>`);
  const vial = v.load?.bi;
  const biLines: string[] = [];
  if (vial) biLines.push(esc(t(locale, 'record.biVial', { lot: vial.lot })) + (vial.serial ? ` · ${esc(vial.serial)}` : ''));
  for (const b of bis.filter((x) => x.role !== 'control')) {
    const validity = b.valid === false && b.reason ? t(locale, 'record.biInvalid', { reason: b.reason }) : '';
    biLines.push(
      `${biResult(locale, b.result)} ${esc(t(locale, 'record.biReading', { at: dateTime(b.readAt, timeZone, false), reader: b.reader ?? '—', well: b.well ?? '—', validity }))}`,
    );
  }
  const biRequired = (ev?.biRequired.length ?? 0) > 0;
  if (!biLines.length) biLines.push(`<span class="muted">${esc(t(locale, biRequired ? 'record.notRecorded' : 'record.notRequired'))}</span>`);
  rows.push(`<tr><th>${esc(t(locale, 'record.bi'))}</th><td>${biLines.join('<br>')}</td></tr>`);
  return `<section class="cr-indicators"><h2>${esc(t(locale, 'record.indicators'))}</h2><table class="kv">${rows.join('')}</table></section>`;
}

export function releaseSection(releases: readonly ReleaseView[], input: Pick<ReportInput, 'locale' | 'timeZone'>): string {
  const { locale, timeZone } = input;
  if (!releases.length)
    return `<section class="cr-release"><h2>${esc(t(locale, 'record.releaseHistory'))}</h2><p class="muted">${esc(t(locale, 'record.releaseNone'))}</p></section>`;
  const current = releases.at(-1) as ReleaseView;
  // The record's own reason is English text (signed); other languages get the reason code in words first.
  const reasonCell = (r: ReleaseView) =>
    locale === 'en' && r.reason
      ? esc(r.reason)
      : `${esc(reasonName(locale, r.reasonCode))}${r.reason ? ` <span class="muted small">${esc(r.reason)}</span>` : ''}`;
  const rows = releases
    .map(
      (
        r,
      ) => `<tr data-status="${esc(r.status)}"><td class="nowrap">${esc(dateTime(r.at, timeZone))}</td><td><span class="status s-${esc(r.status)}">${esc(statusName(locale, r.status))}</span></td>
<td>${reasonCell(r)}</td><td class="nowrap">${esc(r.operator ?? t(locale, 'record.byGateway'))}</td></tr>`,
    )
    .join('\n');
  return `<section class="cr-release"><h2>${esc(t(locale, 'record.releaseHistory'))} · <span class="status s-${esc(current.status)}">${esc(statusName(locale, current.status))}</span>${current.cycleKind && current.cycleKind !== 'load' ? ` <span class="muted">(${esc(cycleKindName(locale, current.cycleKind))})</span>` : ''}</h2>
<table class="releases"><thead><tr><th>${esc(t(locale, 'record.releaseAt'))}</th><th>${esc(t(locale, 'record.releaseStatus'))}</th><th>${esc(t(locale, 'record.releaseReason'))}</th><th>${esc(t(locale, 'record.releaseBy'))}</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

export function alarmsSection(v: CycleView, input: Pick<ReportInput, 'locale' | 'timeZone'>): string {
  if (!v.alarms.length) return '';
  const { locale, timeZone } = input;
  return `<section class="cr-alarms"><h2>${esc(t(locale, 'record.alarms'))}</h2><ul>${v.alarms.map((a) => `<li><span class="nowrap">${esc(dateTime(a.ts, timeZone))}</span> <code>${esc(a.code)}</code> ${esc(a.text)}</li>`).join('')}</ul></section>`;
}

export function printoutSection(v: CycleView, lines: readonly string[], locale: Locale): string {
  const digest = v.raw ? `<p class="muted small">${esc(t(locale, 'record.printoutDigest', { lines: v.raw.lines, digest: v.raw.sha256 }))}</p>` : '';
  const body = lines.length ? `<pre class="printout">${lines.map(esc).join('\n')}</pre>` : `<p class="muted">${esc(t(locale, 'record.printoutNone'))}</p>`;
  return `<section class="cr-printout"><h2>${esc(t(locale, 'record.printout'))}</h2>${digest}${body}</section>`;
}

export function integritySection(v: CycleView, integrity: IntegrityStatus, locale: Locale): string {
  const flag = (x: boolean | null) => `<span class="badge ${passClass(x)}">${esc(yesNo(locale, x))}</span>`;
  const facts = [
    fact(t(locale, 'record.hashValid'), flag(integrity.hashValid)),
    fact(t(locale, 'record.signatureValid'), flag(integrity.signatureValid)),
    fact(t(locale, 'record.chainVerified'), flag(integrity.chainLinked)),
    fact(t(locale, 'record.keyId'), `<code>${esc(v.keyId)}</code>`),
    fact(t(locale, 'record.seq'), `<code>${esc(v.seq)}</code>`),
    fact(t(locale, 'record.recordId'), `<code>${esc(v.recordId)}</code>`),
    fact(t(locale, 'record.cycleId'), `<code>${esc(v.cycleId ?? '—')}</code>`),
    v.sampleChain
      ? fact(
          t(locale, 'record.sampleChain'),
          `<code>${esc(t(locale, 'record.sampleChainValue', { seq: v.sampleChain.seq, hash: shortHex(v.sampleChain.hash, 12) }))}</code>`,
        )
      : '',
    fact(t(locale, 'record.hash'), `<code>${esc(v.hash)}</code>`, 'full'),
    v.raw
      ? fact(t(locale, 'record.printout'), `<code>${esc(t(locale, 'record.printoutDigest', { lines: v.raw.lines, digest: v.raw.sha256 }))}</code>`, 'full')
      : '',
  ];
  const ok = integrity.hashValid && integrity.signatureValid === true && integrity.chainLinked !== false;
  return `<section class="cr-integrity ${ok ? 'ok' : 'bad'}"><h2>${esc(t(locale, 'record.integrity'))}</h2><dl class="cr-facts">${facts.join('')}</dl></section>`;
}

function sections(input: ReportInput, extras: RecordPageExtras | null): { v: CycleView; html: string } {
  const v = cycleViewOf(input.record);
  const releases = input.releases.map(releaseViewOf);
  const bis = input.biRecords.map(biViewOf);
  const title = reportTitle(v, input.locale);
  const html = [
    headerSection(v, input, title),
    curveSection(v, input),
    criteriaSection(v, input.locale),
    `<div class="cr-cols">${loadSection(v, input.locale)}${indicatorsSection(v, releases, bis, input)}</div>`,
    releaseSection(releases, input),
    alarmsSection(v, input),
    extras ? printoutSection(v, extras.printout ?? [], input.locale) : '',
    integritySection(v, input.integrity, input.locale),
  ].join('\n');
  return { v, html };
}

/** The cycle record's sections for the web page (inside the page's frame; styled by /assets/record.css). */
export function renderCycleRecord(input: ReportInput, extras: RecordPageExtras = {}): string {
  const { html } = sections(input, extras);
  const link = extras.reportHref
    ? `<p class="cr-actions"><a class="button" href="${esc(extras.reportHref)}">${esc(t(input.locale, 'record.printReport'))}</a></p>`
    : '';
  return `<article class="cr screen">${link}${html}</article>`;
}

/** The printable report: one self-contained HTML document (inline CSS and SVG, no script, no external
 * request), laid out for A4. */
export function renderCycleReport(input: ReportInput): string {
  const { v, html } = sections(input, null);
  const { locale } = input;
  const title = `${reportTitle(v, locale)} · ${v.device} · ${v.cycleNo ?? v.seq}`;
  const footer = `<footer class="cr-foot"><span>${esc(t(locale, 'report.footer', { id: v.recordId, seq: v.seq }))}</span><span>${esc(t(locale, 'report.generated', { at: dateTime(input.generatedAt, input.timeZone), version: input.version }))} · ${esc(t(locale, 'report.timeZone', { zone: input.timeZone }))}</span></footer>`;
  return `<!doctype html>
<html lang="${htmlLang(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>
<body class="report"><article class="cr">${html}${footer}</article></body></html>
`;
}
