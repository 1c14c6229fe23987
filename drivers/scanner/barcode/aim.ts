// AIM symbology identifiers (ISO/IEC 15424): the `]` + code + modifier a scanner may put before the data.

/** Identifiers that announce GS1 data (FNC1 in first position): the rest is a GS1 element string. */
export const GS1_SYMBOLOGIES: Readonly<Record<string, string>> = {
  ']C1': 'GS1-128',
  ']d2': 'GS1 DataMatrix',
  ']Q3': 'GS1 QR Code',
  ']e0': 'GS1 DataBar',
  ']J1': 'GS1 DotCode',
};

/** Identifiers of EAN/UPC symbols: the rest is a bare GTIN-13 (UPC-A with a leading 0) or GTIN-8. */
export const EAN_UPC_SYMBOLOGIES: Readonly<Record<string, string>> = {
  ']E0': 'EAN-13 / UPC-A',
  ']E4': 'EAN-8',
};

const OTHER_NAMES: Readonly<Record<string, string>> = {
  A: 'Code 39',
  C: 'Code 128',
  d: 'Data Matrix',
  Q: 'QR Code',
  L: 'PDF417',
  z: 'Aztec',
  I: 'Interleaved 2 of 5',
};

export interface AimSplit {
  /** The identifier, e.g. `]d2`, when the scan starts with one. */
  symbology?: string;
  /** The data after it. */
  data: string;
}

const AIM = /^\][A-Za-z][0-9A-Za-z]/;

export function splitAim(text: string): AimSplit {
  const m = AIM.exec(text);
  if (!m) return { data: text };
  return { symbology: m[0], data: text.slice(m[0].length) };
}

/** A name for people, e.g. `GS1 DataMatrix` for `]d2`. */
export function symbologyName(symbology: string): string {
  return GS1_SYMBOLOGIES[symbology] ?? EAN_UPC_SYMBOLOGIES[symbology] ?? OTHER_NAMES[symbology.charAt(1)] ?? 'unknown symbology';
}
