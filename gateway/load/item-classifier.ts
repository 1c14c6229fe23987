// What a decoded goods scan is at a station: an item (implant or not) or a BI vial, with its expiry
// checked against the local day of the scan. Pure.
import { type DecodedBarcode, isExpired } from '../../drivers/scanner/barcode/index.js';
import type { BiVial, LoadItem } from './load-contents.js';
import type { StationPolicy } from './station-policy.js';

export type Classified = { role: 'item'; item: LoadItem } | { role: 'bi-vial'; vial: BiVial } | { role: 'rejected'; reason: string };

const GOODS_KINDS = new Set(['gs1', 'hibc', 'internal']);

function matches(re: RegExp | null, text: string): RegExpExecArray | null {
  if (!re) return null;
  re.lastIndex = 0;
  return re.exec(text);
}

/** Implant rules (config `release.implants`): a GTIN prefix, an HIBC LIC (+ product) prefix, an exact code
 * from the item list (GTIN-14, internal code, GIAI, HIBC `+LIC+product`), or the pattern on the scanned text. */
export function isImplant(d: DecodedBarcode, p: StationPolicy): boolean {
  const f = d.fields;
  if (f.gtin && p.implantGtinPrefixes.some((x) => f.gtin?.startsWith(x))) return true;
  const hibc = d.kind === 'hibc' && f.lic ? `${f.lic}${f.product ?? ''}` : null;
  if (hibc && p.implantHibcPrefixes.some((x) => hibc.startsWith(x.replace(/^\+/, '')))) return true;
  if (p.implantItems.length > 0) {
    const codes = [f.gtin, f.giai, d.kind === 'hibc' ? undefined : f.code, hibc ?? undefined, hibc ? `+${hibc}` : undefined];
    if (codes.some((c) => c !== undefined && p.implantItems.includes(c))) return true;
  }
  return matches(p.implantPattern, d.raw.trim()) !== null;
}

/** `today` is the local date (YYYY-MM-DD) of the scan. `loanerSetOf`: the loaner set whose basket carries this code
 * (an open visit, gateway/load/loaner-intake.ts); such an item is an implant: a loaner set makes its sterilizer load an
 * implant load, held for its BI (WS 310.3, reference/standards.md §1.7, §4.2). */
export function classifyGoods(d: DecodedBarcode, p: StationPolicy, today: string, at: string, loanerSetOf?: (code: string) => string | null): Classified {
  if (!GOODS_KINDS.has(d.kind)) return { role: 'rejected', reason: `a ${d.kind} code is not an item` };
  if (!d.valid) return { role: 'rejected', reason: `unreadable ${d.kind} code: ${d.errors.join('; ')}` };
  const f = d.fields;
  const expired = isExpired(d, today);
  const text = d.raw.trim();
  const biMatch = matches(p.biPattern, text);
  if ((f.gtin && p.biGtins.includes(f.gtin)) || biMatch) {
    const lot = f.lot ?? biMatch?.groups?.lot ?? (biMatch ? text : undefined);
    if (!lot)
      return {
        role: 'rejected',
        reason: 'BI vial without a lot number (GS1 AI 10): its result could not be validated against a positive control; scan the label that carries the lot',
      };
    const serial = f.serial ?? biMatch?.groups?.serial;
    const vial: BiVial = {
      lot,
      raw: d.raw,
      expired,
      ...(f.gtin ? { gtin: f.gtin } : {}),
      ...(serial ? { serial } : {}),
      ...(f.expiry ? { expiry: f.expiry } : {}),
    };
    return { role: 'bi-vial', vial };
  }
  const code = f.giai ?? f.code;
  const item: LoadItem = {
    raw: d.raw,
    kind: d.kind,
    implant: isImplant(d, p),
    expired,
    at,
    ...(f.gtin ? { gtin: f.gtin } : {}),
    ...(f.lot ? { lot: f.lot } : {}),
    ...(f.serial ? { serial: f.serial } : {}),
    ...(f.expiry ? { expiry: f.expiry } : {}),
    ...(code ? { code } : {}),
  };
  if (d.kind === 'hibc' && f.lic) item.code = `+${f.lic}${f.product ?? ''}`;
  const set = loanerSetOf?.(item.code ?? text) ?? null;
  if (set !== null) {
    item.implant = true;
    item.loanerSet = set;
  }
  return { role: 'item', item };
}

/** Identity of one physical unit, or null when the code names a product, not a unit (same code twice = two units). */
export function unitKey(item: LoadItem): string | null {
  if (item.gtin && item.serial) return `gtin:${item.gtin}/${item.serial}`;
  if (item.kind === 'hibc' && item.serial) return `hibc:${item.code ?? ''}/${item.serial}`;
  if (item.code && item.kind !== 'hibc') return `code:${item.code}`;
  return null;
}
