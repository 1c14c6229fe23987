// Typing a GS (0x1D, the FNC1 a scanner transmits) where no scanner is at hand: the CLI, fixtures,
// config files. Accepted spellings, case-insensitive: the character itself, `\x1d`, `\u001d`,
// `<GS>`, `{GS}`. Printing goes the other way: GS as `<GS>`, other control characters as `\xNN`.
import { GS } from './gs1.js';

const GS_SPELLINGS = /\\x1d|\\u001d|<GS>|\{GS\}/gi;

export function unescapeGs(text: string): string {
  return text.replace(GS_SPELLINGS, GS);
}

export function showControlCharacters(text: string): string {
  // Control characters are exactly what is matched here.
  return text.replace(/[\x00-\x1f\x7f]/g, (ch) => (ch === GS ? '<GS>' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
