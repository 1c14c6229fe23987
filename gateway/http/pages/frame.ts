// The frame every page shares: title bar with the navigation, the language switch and which gateway
// this is. Server-rendered HTML; the only script a page loads is its own module from /assets/.
import { esc } from '../../report/format.js';
import { htmlLang, LOCALES, type Locale, t } from '../../report/i18n.js';

export type Section = 'board' | 'history' | 'queue' | 'loaners' | null;

export interface FrameInput {
  locale: Locale;
  title: string;
  active: Section;
  site: string;
  gateway: string;
  /** The request URL: the language links keep its path and query. */
  url: URL;
  body: string;
  scripts?: readonly string[];
  styles?: readonly string[];
  /** Data for the page's script, as a JSON block (not executed; allowed by the CSP). */
  data?: Readonly<Record<string, unknown>>;
  /** Reload the page every this many seconds (lists that change while a screen shows them). */
  refreshS?: number;
  bodyClass?: string;
}

const LANG_LABEL: Readonly<Record<Locale, string>> = { en: 'English', 'zh-CN': '中文' };

function langHref(url: URL, locale: Locale): string {
  const q = new URLSearchParams(url.search);
  q.set('lang', locale);
  return `${url.pathname}?${q.toString()}`;
}

/** JSON safe inside a <script type="application/json"> block (no "</script>" can close it early). */
export function jsonBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function renderFrame(f: FrameInput): string {
  const { locale } = f;
  const nav = (['board', 'history', 'queue', 'loaners'] as const)
    .map((s) => {
      const href = s === 'board' ? '/' : `/${s}`;
      return `<a href="${href}"${f.active === s ? ' aria-current="page" class="active"' : ''}>${esc(t(locale, `nav.${s}`))}</a>`;
    })
    .join('');
  const langs = LOCALES.map((l) =>
    l === locale
      ? `<strong lang="${htmlLang(l)}">${esc(LANG_LABEL[l])}</strong>`
      : `<a href="${esc(langHref(f.url, l))}" lang="${htmlLang(l)}" hreflang="${htmlLang(l)}">${esc(LANG_LABEL[l])}</a>`,
  ).join(' · ');
  const styles = ['/assets/app.css', ...(f.styles ?? [])].map((h) => `<link rel="stylesheet" href="${esc(h)}">`).join('');
  const scripts = (f.scripts ?? []).map((s) => `<script type="module" src="${esc(s)}"></script>`).join('');
  const data = f.data ? `<script type="application/json" id="page-data">${jsonBlock(f.data)}</script>` : '';
  return `<!doctype html>
<html lang="${htmlLang(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${f.refreshS ? `<meta http-equiv="refresh" content="${f.refreshS}">` : ''}<title>${esc(f.title)} · ${esc(t(locale, 'app.title'))} ${esc(f.gateway)}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">${styles}${data}${scripts}</head>
<body class="${esc(f.bodyClass ?? '')}">
<header class="top"><div class="brand"><span class="logo" aria-hidden="true"></span>${esc(t(locale, 'app.title'))}</div>
<nav>${nav}</nav>
<div class="where"><span>${esc(t(locale, 'frame.gateway', { gateway: f.gateway, site: f.site }))} · ${esc(t(locale, 'frame.readOnly'))}</span><span class="langs" aria-label="${esc(t(locale, 'nav.language'))}">${langs}</span></div></header>
<main>${f.body}</main>
</body></html>
`;
}
