// Well codes printed on (or beside) a BI reader's wells: `WELL:<well>` or `WELL:<reader>:<well>`.
// Scanned right after a BI vial, they bind that vial to the well the reader will report. Pure.

export interface WellCode {
  /** The reader's device id when the code names it. */
  reader: string | null;
  well: string;
}

const PART = /^[A-Za-z0-9_-]{1,32}$/;

/** The well code in `raw`, or null when it is not one (a malformed well code is `{error}`). */
export function readWellCode(raw: string, prefix: string): WellCode | { error: string } | null {
  const text = raw.trim();
  if (prefix === '' || !text.startsWith(prefix)) return null;
  const parts = text.slice(prefix.length).split(':');
  if (parts.length === 1 && PART.test(parts[0] as string)) return { reader: null, well: parts[0] as string };
  if (parts.length === 2 && PART.test(parts[0] as string) && PART.test(parts[1] as string)) return { reader: parts[0] as string, well: parts[1] as string };
  return { error: `well code ${JSON.stringify(text)} is not ${prefix}<well> or ${prefix}<reader>:<well>` };
}
