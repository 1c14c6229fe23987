// The two languages of the page and the report (config `ui.locale`, docs/web.md): English and
// Simplified Chinese. Pure: a locale and a key give a text; placeholders `{name}` are filled from
// `params`. A key with a dynamic part (a criterion id, a phase, a status) falls back to the raw id
// when a newer gateway writes one this table does not know yet, so nothing is ever hidden.
import { EN, type MessageKey } from './messages-en.js';
import { ZH_CN } from './messages-zh.js';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export const MESSAGES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en: EN, 'zh-CN': ZH_CN };

export type { MessageKey };

export function isLocale(x: unknown): x is Locale {
  return typeof x === 'string' && (LOCALES as readonly string[]).includes(x);
}

/** The `lang` attribute of an HTML document in this locale. */
export function htmlLang(locale: Locale): string {
  return locale === 'zh-CN' ? 'zh-Hans' : 'en';
}

export type Params = Readonly<Record<string, string | number>>;

export function fill(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

export function t(locale: Locale, key: MessageKey, params?: Params): string {
  return fill(MESSAGES[locale][key], params);
}

function dynamic(locale: Locale, prefix: string, id: string | null | undefined): string {
  if (id === null || id === undefined || id === '') return MESSAGES[locale]['word.none'];
  const key = `${prefix}.${id}`;
  const table = MESSAGES[locale] as Readonly<Record<string, string>>;
  return Object.hasOwn(table, key) ? (table[key] as string) : id;
}

/** The criterion's title in words (the id itself for a criterion this table does not know). */
export const criterionTitle = (locale: Locale, id: string): string => dynamic(locale, 'criterion', id);
export const phaseName = (locale: Locale, phase: string | null | undefined): string => dynamic(locale, 'phase', phase);
export const statusName = (locale: Locale, status: string | null | undefined): string => dynamic(locale, 'status', status);
export const reasonName = (locale: Locale, code: string | null | undefined): string => dynamic(locale, 'reason', code);
export const deviceTypeName = (locale: Locale, type: string | null | undefined): string => dynamic(locale, 'type', type);
export const cycleKindName = (locale: Locale, kind: string | null | undefined): string => dynamic(locale, 'kind', kind);
/** A loaner set's status, hold and timeline step in words (docs/loaner-sets.md). */
export const loanerStatusName = (locale: Locale, status: string | null | undefined): string => dynamic(locale, 'loanerStatus', status);
export const loanerHoldName = (locale: Locale, hold: string | null | undefined): string => dynamic(locale, 'loanerHold', hold);
export const loanerStepName = (locale: Locale, step: string | null | undefined): string => dynamic(locale, 'loanerStep', step);

/** PASS / FAIL (合格 / 不合格), or the verdict as written for anything else. */
export function verdictName(locale: Locale, verdict: string | null | undefined): string {
  return verdict === 'pass' || verdict === 'fail' ? t(locale, `verdict.${verdict}`) : (verdict ?? MESSAGES[locale]['word.none']);
}

/** A criterion's result in words: pass / fail / n/a (合格 / 不合格 / 不适用). */
export function resultName(locale: Locale, pass: boolean | null): string {
  return t(locale, pass === true ? 'result.pass' : pass === false ? 'result.fail' : 'result.na');
}

/** Only the keys whose name starts with `prefix` (what the browser needs of a locale, for example). */
export function messagesWithPrefix(locale: Locale, prefixes: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(MESSAGES[locale])) if (prefixes.some((p) => k.startsWith(p))) out[k] = v;
  return out;
}
