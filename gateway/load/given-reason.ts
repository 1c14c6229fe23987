// A reason a person gave for an emergency (early) release or a correction (gateway/load/README.md): the operator scans
// `CMD:REASON:<CODE>`, a code from the site's list in config `release.reasons`, before the release or
// correction; the release record carries the code, its text and who scanned it. WS 310.3 and AAMI ST79
// (reference/standards.md §4.2) ask that an emergency release be documented with who released and why; 21 CFR
// 11.10(e) (§5.3) that a change of a record names who changed it and why. A generated sentence is neither. Pure.

import { REASON_CODE, REASON_COMMAND_PREFIX } from '../../drivers/scanner/barcode/index.js';

/** The command name a reason code is scanned under (`CMD:REASON:TRAUMA` -> `REASON:TRAUMA`), and the shape of a
 * code: the barcode decoder's, so the config accepts exactly the codes a scan can carry. */
export { REASON_CODE, REASON_COMMAND_PREFIX };

export interface GivenReason {
  /** The code from `release.reasons`, e.g. TRAUMA. */
  code: string;
  /** Its text from `release.reasons`, as configured when it was scanned. */
  text: string;
  /** Who scanned it (the reason counts only for this operator's own release or correction). */
  operator: string;
  /** When it was scanned (ISO 8601 UTC). */
  at: string;
  /** The `scan` record of the reason code. */
  scanRecordId: string | null;
}

/** The reason waiting at a station, if it is `operator`'s own and was scanned within `windowMs` of `now`. */
export function pendingReason(r: GivenReason | null | undefined, operator: string, now: number, windowMs: number): GivenReason | null {
  if (!r || r.operator !== operator) return null;
  const at = Date.parse(r.at);
  return Number.isFinite(at) && now - at <= windowMs && now >= at ? r : null;
}

/** `CMD:REASON:<CODE>` read by the decoder -> the code, or null when the command is not a reason. */
export function reasonCodeOf(command: string): string | null {
  return command.startsWith(REASON_COMMAND_PREFIX) ? command.slice(REASON_COMMAND_PREFIX.length) : null;
}
