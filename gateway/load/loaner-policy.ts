// The loaner-set rules a site configures (config `loaner:`, gateway/load/README.md "Loaner sets"): its desks, its
// vendors and their trained representatives, how set codes and confirmation-card references look, and the times
// (default due time, return deadline, BI readout). Pure data, its defaults, and the problems that make it unusable.

/** A vendor that lends sets: its company name (for people; never a person's) and the badge ids of its trained representatives. */
export interface LoanerVendor {
  name: string | null;
  representatives: readonly string[];
}

export interface LoanerPolicy {
  /** Stations that are loaner desks (receipt, packing check, return), not machines: scanners bind to them with `station:`. */
  desks: readonly string[];
  /** Vendor id -> vendor. */
  vendors: Readonly<Record<string, LoanerVendor>>;
  /** A representative badge is this prefix and the badge id (`VR:V-0042`). */
  representativePrefix: string;
  representativeId: RegExp;
  /** A code matching this is a loaner set's (or one of its baskets') label. */
  setPattern: RegExp;
  /** What a confirmation card's reference (`CASE:<ref>`) must look like (besides the built-in guard: a digit, no spaces). */
  caseRefPattern: RegExp;
  /** The operation's due time when none is scanned: this long after receipt. */
  defaultDueMs: number;
  /** A set not returned this long after its operation's due time raises an alarm. */
  returnWithinMs: number;
  /** Time from the cycle start until the load's BI can be read (a 3 h rapid BI by default). */
  biReadoutMs: number;
}

export const DEFAULT_SET_PATTERN = '^LN-[A-Z0-9][A-Z0-9-]{0,28}$';
export const DEFAULT_CASE_REF_PATTERN = '^[A-Z0-9][A-Z0-9-]{3,31}$';

export const DEFAULT_LOANER_POLICY: LoanerPolicy = {
  desks: [],
  vendors: {},
  representativePrefix: 'VR:',
  representativeId: /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/,
  setPattern: new RegExp(DEFAULT_SET_PATTERN),
  caseRefPattern: new RegExp(DEFAULT_CASE_REF_PATTERN),
  defaultDueMs: 24 * 3600_000,
  returnWithinMs: 48 * 3600_000,
  biReadoutMs: 180 * 60_000,
};

/** The config's `loaner:` section after zod. */
export interface LoanerConfigInput {
  desks?: string[];
  vendors?: Record<string, { name?: string; representatives?: string[] }>;
  representativePrefix?: string;
  setPattern?: string;
  caseRefPattern?: string;
  defaultDueH?: number;
  returnWithinH?: number;
  biReadoutMin?: number;
}

function regex(pattern: string | undefined, fallback: string, what: string, problems: string[]): RegExp {
  try {
    return new RegExp(pattern ?? fallback);
  } catch (e) {
    problems.push(`${what}: not a regular expression: ${(e as Error).message}`);
    return new RegExp(fallback);
  }
}

/** The policy (null without a `loaner:` section) and the problems (`loaner.path: message`). `deviceIds`: the config's devices. */
export function loanerPolicyFrom(
  c: LoanerConfigInput | undefined,
  deviceIds: readonly string[],
  biForImplants: boolean,
): { policy: LoanerPolicy | null; problems: string[] } {
  if (c === undefined) return { policy: null, problems: [] };
  const problems: string[] = [];
  const desks = c.desks ?? [];
  if (desks.length === 0) problems.push('loaner.desks: expected at least one loaner desk (a station id scanners bind to with station:), found none');
  for (const d of desks) {
    if (deviceIds.includes(d)) problems.push(`loaner.desks: "${d}" is a device id; a desk is a place (a receiving or return table), name it differently`);
  }
  const vendors: Record<string, LoanerVendor> = {};
  const repOf = new Map<string, string>();
  for (const [id, v] of Object.entries(c.vendors ?? {})) {
    const reps = v.representatives ?? [];
    if (reps.length === 0) problems.push(`loaner.vendors.${id}.representatives: expected the badge ids of the vendor's trained representatives, found none`);
    for (const r of reps) {
      const other = repOf.get(r);
      if (other !== undefined && other !== id)
        problems.push(`loaner.vendors.${id}.representatives: "${r}" is also a representative of ${other}; a badge belongs to one vendor`);
      repOf.set(r, id);
    }
    vendors[id] = { name: v.name ?? null, representatives: reps };
  }
  if (Object.keys(vendors).length === 0) problems.push('loaner.vendors: expected at least one vendor with its trained representatives, found none');
  // WS 310.3 / AAMI ST79 (reference/standards.md §1.7, §4.2): a loaner set goes through as an implant load, held for its BI.
  if (!biForImplants)
    problems.push(
      'loaner: release.biForImplants is false, so a loaner set would be released on its cycle verdict alone; loaner sets are implant loads held for their BI (WS 310.3): set release.biForImplants to true (or remove loaner:)',
    );
  const policy: LoanerPolicy = {
    ...DEFAULT_LOANER_POLICY,
    desks,
    vendors,
    representativePrefix: c.representativePrefix ?? DEFAULT_LOANER_POLICY.representativePrefix,
    setPattern: regex(c.setPattern, DEFAULT_SET_PATTERN, 'loaner.setPattern', problems),
    caseRefPattern: regex(c.caseRefPattern, DEFAULT_CASE_REF_PATTERN, 'loaner.caseRefPattern', problems),
    defaultDueMs: (c.defaultDueH ?? 24) * 3600_000,
    returnWithinMs: (c.returnWithinH ?? 48) * 3600_000,
    biReadoutMs: (c.biReadoutMin ?? 180) * 60_000,
  };
  return { policy, problems };
}

/** The vendor whose trained representative carries this badge id, or null. */
export function vendorOf(p: LoanerPolicy, representative: string): string | null {
  for (const [id, v] of Object.entries(p.vendors)) if (v.representatives.includes(representative)) return id;
  return null;
}
