// The release rules a site configures (config `release:` and per-device gates): pure data plus the
// small questions the release machine asks of it.
import { isTimeZone } from '../../vocabulary/local-day.js';

/** Daily tests a sterilizer must pass (since local midnight, before the load's cycle started). */
export interface DeviceGates {
  /** Pre-vacuum sterilizers: a passing Bowie–Dick cycle (sheet read as pass) today. */
  bowieDick: boolean;
  /** A passing air-leak test today (sites without an air detector). */
  leakTest: boolean;
}

export interface ReleasePolicy {
  /** IANA zone for "today" (daily gate) and "that day" (BI positive control). */
  timeZone: string;
  /** Operators who may scan an emergency (early) release and correct an earlier indicator result. */
  authorisedOperators: readonly string[];
  /** Program ids whose loads need a chemical-indicator result before release; '*' = every load program. */
  ciRequiredPrograms: readonly string[];
  /** Loads with an implant wait for a valid negative BI (WS 310, AAMI ST79). */
  biForImplants: boolean;
  /** Loads into which a BI vial (PCD) was scanned wait for its result. */
  biForVialLoads: boolean;
  /** After a valid positive BI, every later load of that sterilizer waits for a BI until one reads negative. */
  holdAfterPositiveBi: boolean;
  /** Gates per device id; a device not listed has none. */
  gates: Readonly<Record<string, DeviceGates>>;
  /** Washer-disinfectors: their loads are disinfected, not sterile goods, so no BI hold applies. */
  washers: readonly string[];
}

export const NO_GATES: DeviceGates = { bowieDick: false, leakTest: false };

export const DEFAULT_RELEASE_POLICY: ReleasePolicy = {
  timeZone: 'UTC',
  authorisedOperators: [],
  ciRequiredPrograms: [],
  biForImplants: true,
  biForVialLoads: true,
  holdAfterPositiveBi: true,
  gates: {},
  washers: [],
};

export function gatesOf(policy: ReleasePolicy, device: string): DeviceGates {
  return Object.hasOwn(policy.gates, device) ? (policy.gates[device] as DeviceGates) : NO_GATES;
}

export function isAuthorised(policy: ReleasePolicy, operator: string | null | undefined): boolean {
  return typeof operator === 'string' && policy.authorisedOperators.includes(operator);
}

export function ciRequired(policy: ReleasePolicy, program: string | null): boolean {
  return policy.ciRequiredPrograms.includes('*') || (program !== null && policy.ciRequiredPrograms.includes(program));
}

/** Problems with a policy, one line each (empty when usable). */
export function releasePolicyProblems(p: ReleasePolicy): string[] {
  const out: string[] = [];
  if (!isTimeZone(p.timeZone)) out.push(`timeZone: "${p.timeZone}" is not a time zone this runtime knows`);
  return out;
}
