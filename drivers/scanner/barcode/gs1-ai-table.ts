// The GS1 Application Identifiers SteriLink reads: length, format, check and the field name each fills.
// GS1 AIs are prefix-free (an AI's first two digits fix its length), so a raw element string is read by
// trying 2-, 3- and 4-digit codes in this table. An AI not listed stops the reading with an error:
// its length is unknown, so nothing after it can be located.

/** GS1 "set 82": the characters allowed in alphanumeric (X) values. */
const X = `[!"%&'()*+,\\-./0-9:;<=>?A-Z_a-z]`;

export type Gs1Check = 'mod10' | 'mod10-first13' | 'grai';

export interface AiDefinition {
  ai: string;
  /** Name of the field the value fills (see types.ts). */
  field: string;
  /** GS1 format, for messages: N14, X..20, N14+X..16 … */
  format: string;
  /** Exact value length for fixed-length AIs. */
  fixed?: number;
  /** Maximum value length for variable-length AIs. */
  max?: number;
  /** Whole-value pattern. */
  pattern: RegExp;
  check?: Gs1Check;
  /** A YYMMDD date (day 00 = last day of the month): the field holds YYYY-MM-DD. */
  date?: boolean;
}

function fixedN(ai: string, field: string, n: number, extra: Partial<AiDefinition> = {}): AiDefinition {
  return { ai, field, format: `N${n}`, fixed: n, pattern: new RegExp(`^\\d{${n}}$`), ...extra };
}
function varN(ai: string, field: string, max: number): AiDefinition {
  return { ai, field, format: `N..${max}`, max, pattern: new RegExp(`^\\d{1,${max}}$`) };
}
function varX(ai: string, field: string, max: number): AiDefinition {
  return { ai, field, format: `X..${max}`, max, pattern: new RegExp(`^${X}{1,${max}}$`) };
}
const date = (ai: string, field: string): AiDefinition => fixedN(ai, field, 6, { date: true });

const DEFINITIONS: AiDefinition[] = [
  fixedN('00', 'sscc', 18, { check: 'mod10' }),
  fixedN('01', 'gtin', 14, { check: 'mod10' }),
  fixedN('02', 'content', 14, { check: 'mod10' }),
  varX('10', 'lot', 20),
  date('11', 'productionDate'),
  date('12', 'dueDate'),
  date('13', 'packagingDate'),
  date('15', 'bestBefore'),
  date('16', 'sellBy'),
  date('17', 'expiry'),
  fixedN('20', 'variant', 2),
  varX('21', 'serial', 20),
  varX('22', 'cpv', 20),
  varX('235', 'tpx', 28),
  varX('240', 'additionalId', 30),
  varX('241', 'customerPartNo', 30),
  varX('250', 'secondarySerial', 30),
  varX('251', 'referenceToSource', 30),
  { ai: '253', field: 'gdti', format: 'N13+X..17', max: 30, pattern: new RegExp(`^\\d{13}${X}{0,17}$`), check: 'mod10-first13' },
  varX('254', 'glnExtension', 20),
  varN('30', 'quantity', 8),
  varN('37', 'count', 8),
  varX('400', 'orderNumber', 30),
  fixedN('414', 'gln', 13, { check: 'mod10' }),
  fixedN('422', 'originCountry', 3),
  varX('7240', 'protocol', 20),
  { ai: '8003', field: 'grai', format: 'N14+X..16', max: 30, pattern: new RegExp(`^\\d{14}${X}{0,16}$`), check: 'grai' },
  varX('8004', 'giai', 30),
  varX('8020', 'paymentSlipRef', 25),
  varX('90', 'ai90', 30),
  ...['91', '92', '93', '94', '95', '96', '97', '98', '99'].map((ai) => varX(ai, `ai${ai}`, 90)),
];

export const AI_TABLE: ReadonlyMap<string, AiDefinition> = new Map(DEFINITIONS.map((d) => [d.ai, d]));

/** AIs that identify something (a key): a code without AIM identifier is read as GS1 only if it starts with one. */
export const KEY_AIS: ReadonlySet<string> = new Set(['00', '01', '02', '253', '414', '8003', '8004']);

/** The AI at the start of `text`, if it is one this table knows. */
export function aiAt(text: string, at: number): AiDefinition | undefined {
  for (const len of [2, 3, 4]) {
    const def = AI_TABLE.get(text.slice(at, at + len));
    if (def) return def;
  }
  return undefined;
}
