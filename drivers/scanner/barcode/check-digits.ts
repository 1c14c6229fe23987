// Check digits and characters: GS1 mod 10 (GTIN, SSCC, GLN, GRAI) and HIBC mod 43.

/**
 * The GS1 mod-10 check digit of `body` (the digits before the check digit): weights 3, 1, 3, …
 * from the rightmost digit. The same algorithm serves GTIN-8/12/13/14, SSCC, GLN and GRAI.
 */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `digits` (all digits, last one the check digit) carries a correct GS1 check digit. */
export function hasValidGs1CheckDigit(digits: string): boolean {
  if (digits.length < 2 || !/^\d+$/.test(digits)) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === Number(digits[digits.length - 1]);
}

/** A GTIN-8, -12, -13 or -14 with a correct check digit. */
export function isValidGtin(digits: string): boolean {
  return [8, 12, 13, 14].includes(digits.length) && hasValidGs1CheckDigit(digits);
}

/** The HIBC character set in value order: 0–9 = 0–9, A–Z = 10–35, then - . space $ / + %. */
export const HIBC_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%';

/** The HIBC mod-43 check character of `data` (every character from the leading `+`), or undefined
 *  when `data` holds a character outside the HIBC set. */
export function hibcCheckCharacter(data: string): string | undefined {
  let sum = 0;
  for (const ch of data) {
    const value = HIBC_CHARSET.indexOf(ch);
    if (value < 0) return undefined;
    sum += value;
  }
  return HIBC_CHARSET[sum % 43];
}
