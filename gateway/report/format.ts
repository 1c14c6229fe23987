// Small, pure formatting helpers for HTML written by hand: escaping, numbers, times in the site's
// zone, durations. No clock: every instant is passed in.

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value -> HTML-safe text. Everything that did not come from this code goes through here. */
export function esc(x: unknown): string {
  return String(x ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** A number with at most `digits` decimals (no trailing zeros), or the dash for none. */
export function num(x: unknown, digits = 1): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '—';
  const f = 10 ** digits;
  return String(Math.round(x * f) / f);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(timeZone: string, withSeconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withSeconds}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
    });
    formats.set(key, f);
  }
  return f;
}

/** `YYYY-MM-DD HH:MM:SS` of an ISO time or ms epoch in `timeZone` (the same form in both languages:
 * it sorts, and it is what CSSD documentation uses in Europe and China). The dash for none. */
export function dateTime(at: string | number | null | undefined, timeZone: string, withSeconds = true): string {
  if (at === null || at === undefined || at === '') return '—';
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) return String(at);
  const parts = dateTimeFormat(timeZone, withSeconds).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}${withSeconds ? `:${get('second')}` : ''}`;
}

/** Seconds as `h:mm:ss` (or `m:ss` under an hour); the dash for none. */
export function duration(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** A long hex value shortened for a table cell, whole in the title attribute by the caller. */
export function shortHex(hex: unknown, keep = 16): string {
  const s = String(hex ?? '');
  return s.length > keep ? `${s.slice(0, keep)}…` : s;
}
