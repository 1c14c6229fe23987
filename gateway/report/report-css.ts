// The cycle record's style, for screen and for A4 print. Inlined in the printable report (so the file
// stands alone) and served as /assets/record.css for the page; the page's CSP allows exactly this
// text by its hash (REPORT_CSS_HASH). System fonts only: nothing is fetched.
import { createHash } from 'node:crypto';

export const FONT_STACK = `system-ui, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "DejaVu Sans", sans-serif`;

export const REPORT_CSS = `
.cr { --ok: #1b5e20; --ok-bg: #e6f2e7; --bad: #b3261e; --bad-bg: #fbe9e7; --na: #5f6b7a; --line: #d5dae1; --muted: #5f6b7a;
  font-family: ${FONT_STACK}; color: #1c2530; line-height: 1.35; }
.cr h1 { font-size: 1.45em; margin: 0 0 2px; }
.cr h2 { font-size: 1.02em; margin: 14px 0 6px; padding-bottom: 2px; border-bottom: 1px solid var(--line); }
.cr table { border-collapse: collapse; width: 100%; }
.cr th, .cr td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid var(--line); }
.cr thead th { font-weight: 600; color: var(--muted); font-size: 0.9em; border-bottom: 1.5px solid #9aa4b1; }
.cr code { font-family: "DejaVu Sans Mono", Consolas, "Noto Sans Mono", monospace; font-size: 0.92em; overflow-wrap: anywhere; }
.cr .muted { color: var(--muted); font-weight: normal; }
.cr .small { font-size: 0.88em; }
.cr .nowrap { white-space: nowrap; }
.cr .num { white-space: nowrap; text-align: right; }
.cr .warn { color: var(--bad); font-weight: 600; }
.cr-head { display: flex; justify-content: space-between; align-items: stretch; gap: 16px; border-bottom: 3px solid var(--line); padding-bottom: 8px; }
.cr-head.v-pass { border-color: var(--ok); }
.cr-head.v-fail { border-color: var(--bad); }
.cr-verdict { min-width: 150px; text-align: center; padding: 6px 18px; border-radius: 6px; display: flex; flex-direction: column; justify-content: center; }
.v-pass .cr-verdict { background: var(--ok-bg); color: var(--ok); border: 2px solid var(--ok); }
.v-fail .cr-verdict { background: var(--bad-bg); color: var(--bad); border: 2px solid var(--bad); }
.cr-verdict strong { font-size: 1.9em; letter-spacing: 0.04em; }
.cr-verdict-label { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.08em; }
.cr-facts { display: grid; grid-template-columns: repeat(4, 1fr); gap: 4px 14px; margin: 10px 0 0; }
.cr-facts .fact.wide { grid-column: span 2; }
.cr-facts .fact.full { grid-column: 1 / -1; }
.cr-facts dt { font-size: 0.8em; color: var(--muted); }
.cr-facts dd { margin: 0; }
.cr-curve svg { display: block; max-width: 100%; height: auto; }
.cr-stats, .cr-phases { margin: 4px 0 0; font-size: 0.9em; color: var(--muted); }
.cr-criteria .crit-name { width: 27%; }
.cr-criteria .crit-name code { color: var(--muted); font-size: 0.8em; }
.cr-criteria tr.bad td { background: var(--bad-bg); }
.cr-criteria tr.bad .crit-name strong { color: var(--bad); }
.cr-criteria .detail { font-size: 0.92em; }
.cr .badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-weight: 600; font-size: 0.9em; white-space: nowrap; }
.cr .badge.ok { background: var(--ok-bg); color: var(--ok); }
.cr .badge.bad { background: var(--bad); color: #fff; }
.cr .badge.na { background: #eceff3; color: var(--na); }
.cr .tag { font-size: 0.8em; padding: 0 5px; border: 1px solid var(--muted); border-radius: 4px; }
.cr .tag.bad { border-color: var(--bad); color: var(--bad); }
.cr-cols { display: grid; grid-template-columns: 1fr 1fr; gap: 0 20px; }
.cr table.kv th { width: 42%; font-weight: 600; color: var(--muted); font-size: 0.92em; }
.cr table.kv.wide th { width: 21%; }
.cr table.releases td:first-child { width: 20%; }
.cr table.items td:first-child code { white-space: nowrap; }
.cr .status { font-weight: 600; }
.cr .s-quarantined, .cr .s-recalled { color: var(--bad); }
.cr .s-released { color: var(--ok); }
.cr .s-released_early, .cr .s-awaiting-bi, .cr .s-awaiting-ci, .cr .s-awaiting-bd, .cr .s-pending { color: #8a4b00; }
.cr-integrity tr.hash code { font-size: 0.8em; }
.cr-alarms ul { margin: 0; padding-left: 18px; }
.cr .printout { background: #f6f7f9; border: 1px solid var(--line); padding: 8px; max-height: 480px; overflow: auto; font-size: 0.85em; }
.cr-foot { display: flex; justify-content: space-between; gap: 12px; margin-top: 12px; padding-top: 4px; border-top: 1px solid var(--line); font-size: 0.78em; color: var(--muted); }
.cr-actions { margin: 0 0 8px; text-align: right; }
body.report { margin: 0 auto; max-width: 190mm; padding: 10mm 0; background: #fff; }
@media print {
  @page { size: A4 portrait; margin: 10mm 10mm 11mm; }
  body.report { max-width: none; padding: 0; }
  .cr { font-size: 8pt; line-height: 1.24; }
  .cr-curve svg { max-height: 56mm; width: auto; margin: 0 auto; }
  .cr-foot { margin-top: 6px; font-size: 7pt; }
  .cr-integrity code { font-size: 0.85em; }
  .cr-criteria .crit-name code { display: none; }
  .cr-criteria .crit-name br { display: none; }
  .cr-stats, .cr-phases { margin-top: 1px; }
  .cr h1 { font-size: 14pt; }
  .cr h2 { font-size: 9.4pt; margin: 6px 0 2px; }
  .cr th, .cr td { padding: 1.5px 4px; }
  .cr-head, .cr-curve, .cr-criteria tr, .cr-integrity, .cr-release tr { break-inside: avoid; }
  .cr-facts { margin-top: 6px; gap: 2px 10px; }
  .cr-verdict strong { font-size: 17pt; }
  .cr .printout { max-height: none; overflow: visible; white-space: pre-wrap; }
  .cr-actions, nav, .no-print { display: none !important; }
  .cr, .cr * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** The CSP source that allows REPORT_CSS as an inline <style> and nothing else. */
export const REPORT_CSS_HASH = `'sha256-${createHash('sha256').update(REPORT_CSS).digest('base64')}'`;
