// What the simulated autoclave can print (`--profile`): one entry per printer-line profile the gateway
// ships (docs/devices.md), each a renderer (cycle -> timed lines) and the bytes of a line.

import { renderAmscoStream } from './amsco-stream-writer.js';
import type { SteamCycle } from './cycle.js';
import { renderScicanSummary } from './scican-summary-writer.js';
import { renderTicket, type TicketHeader, type TicketLine, type TicketOptions } from './ticket-writer.js';
import { renderTicketZh, ticketBytesZh } from './ticket-writer-zh.js';

export const AUTOCLAVE_SIM_PROFILES = ['prevac-ticket', 'prevac-ticket-zh', 'amsco-ls', 'amsco-ls-metric', 'scican-summary'] as const;
export type AutoclaveSimProfile = (typeof AUTOCLAVE_SIM_PROFILES)[number];
export const DEFAULT_AUTOCLAVE_SIM_PROFILE: AutoclaveSimProfile = 'prevac-ticket';

export const AUTOCLAVE_SIM_PROFILE_DESCRIPTIONS: Readonly<Record<AutoclaveSimProfile, string>> = {
  'prevac-ticket': 'the default ticket: header, a line per second with phase labels, RESULT line (ASCII)',
  'prevac-ticket-zh': 'the same ticket with Chinese labels, sent GB18030-encoded',
  'amsco-ls': 'AMSCO LS-style 1 Hz data string: S flag, 12 h clock, psig / inHg vacuum, seven temperatures in °F',
  'amsco-ls-metric': 'the same data string in °C and kPa gauge on the 24 h clock',
  'scican-summary': 'SciCan STATCLAVE-style summary ticket printed at the end: min/max and phase times, no samples',
};

export interface TicketFormat {
  readonly name: AutoclaveSimProfile;
  render(header: TicketHeader, cycle: SteamCycle, options: TicketOptions): TicketLine[];
  /** The bytes of one line, terminator included. */
  encode(textWithEol: string): Buffer;
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

const FORMATS: Readonly<Record<AutoclaveSimProfile, TicketFormat>> = {
  'prevac-ticket': { name: 'prevac-ticket', render: renderTicket, encode: latin1 },
  'prevac-ticket-zh': { name: 'prevac-ticket-zh', render: renderTicketZh, encode: ticketBytesZh },
  'amsco-ls': { name: 'amsco-ls', render: (h, c, o) => renderAmscoStream(h, c, { ...o, units: 'imperial', clock: '12h' }), encode: latin1 },
  'amsco-ls-metric': { name: 'amsco-ls-metric', render: (h, c, o) => renderAmscoStream(h, c, { ...o, units: 'metric', clock: '24h' }), encode: latin1 },
  'scican-summary': { name: 'scican-summary', render: (h, c) => renderScicanSummary(h, c), encode: latin1 },
};

export function isAutoclaveSimProfile(x: string): x is AutoclaveSimProfile {
  return (AUTOCLAVE_SIM_PROFILES as readonly string[]).includes(x);
}

/** The format for a profile name (default prevac-ticket); throws naming the valid ones. */
export function ticketFormat(name: string | undefined): TicketFormat {
  const chosen = name === undefined || name === '' ? DEFAULT_AUTOCLAVE_SIM_PROFILE : name;
  if (!isAutoclaveSimProfile(chosen)) throw new Error(`unknown autoclave profile '${chosen}'; valid profiles: ${AUTOCLAVE_SIM_PROFILES.join(', ')}`);
  return FORMATS[chosen];
}
