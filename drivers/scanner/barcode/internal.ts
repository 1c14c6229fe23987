// Plain internal pack and tray codes (the CSSD's own labels, usually Code 128 or QR of a pack serial).

/** Default: 4–32 capital letters, digits and dashes, not starting with a dash (e.g. `TRAY-0042`, `P24061500017`). */
export const DEFAULT_INTERNAL_PATTERN = /^[A-Z0-9][A-Z0-9-]{3,31}$/;

export type InternalPattern = RegExp | string;

/** The pattern as a RegExp, or the reason it is not one (a bad pattern is reported, never thrown). */
export function compileInternalPattern(pattern: InternalPattern): { ok: true; re: RegExp } | { ok: false; reason: string } {
  if (pattern instanceof RegExp) return { ok: true, re: pattern };
  try {
    return { ok: true, re: new RegExp(pattern) };
  } catch (e) {
    return { ok: false, reason: `internal-code pattern ${JSON.stringify(pattern)} is not a regular expression: ${(e as Error).message}` };
  }
}

/** Whether `data` is an internal code. A global or sticky pattern is tested from the start every time. */
export function isInternalCode(data: string, re: RegExp): boolean {
  re.lastIndex = 0;
  return re.test(data);
}
