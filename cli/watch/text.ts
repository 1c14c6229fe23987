// Terminal text for the watch view: optional SGR styles, and cells that are padded or cut to an exact
// width by code points (every string shown is sanitised first: a payload from the broker must not be
// able to move the cursor or retitle the terminal). Pure.

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const sgr = (code: string) => (s: string) => (s ? `\x1b[${code}m${s}\x1b[0m` : s);
const plain = (s: string) => s;

export function makeStyle(color: boolean): Style {
  if (!color) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { bold: sgr('1'), dim: sgr('2'), red: sgr('31'), green: sgr('32'), yellow: sgr('33'), cyan: sgr('36') };
}

// C0, DEL and C1 controls (ESC, CSI, BEL, …) and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Untrusted text made safe to print on one line; non-ASCII replaced too when the terminal is ASCII-only. */
export function clean(s: string, ascii = false): string {
  const t = s.replace(CONTROL, '?');
  return ascii ? t.replace(/[^\x20-\x7e]/g, '?') : t;
}

/** Visible width: code points outside escape sequences (the view uses no wide characters). */
export function visibleWidth(s: string): number {
  let n = 0;
  for (const _ of s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')) n++;
  return n;
}

/** Cut to `width` code points, ending in '…' (or '~' in ASCII) when something was cut. Plain text only. */
export function fit(s: string, width: number, ascii = false): string {
  if (width <= 0) return '';
  const cps = [...s];
  if (cps.length <= width) return s;
  return cps.slice(0, width - 1).join('') + (ascii ? '~' : '…');
}

/** Exactly `width` columns: cut, then padded left ('right' alignment) or right. Plain text only. */
export function cell(s: string, width: number, align: 'left' | 'right' = 'left', ascii = false): string {
  const f = fit(s, width, ascii);
  const pad = ' '.repeat(Math.max(0, width - [...f].length));
  return align === 'right' ? pad + f : f + pad;
}

/** A styled line cut to `width` visible columns (styles closed at the cut). */
export function clip(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  let out = '';
  let n = 0;
  const re = /\x1b\[[0-9;?]*[A-Za-z]|[\s\S]/gu;
  for (const m of line.matchAll(re)) {
    const tok = m[0];
    if (tok.startsWith('\x1b[')) out += tok;
    else if (n < width) {
      out += tok;
      n++;
    }
  }
  return out.includes('\x1b[') ? `${out}\x1b[0m` : out;
}
