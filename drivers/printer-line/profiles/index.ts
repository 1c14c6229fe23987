// The built-in printer-line profiles, by name: TS data compiled with the code (a site's own profiles are
// YAML files, profile-file.ts). A test lints every one of them with validateProfile().

import type { PrinterLineProfile } from '../profile.js';
import { AMSCO_LS, AMSCO_LS_METRIC } from './amsco-ls.js';
import { PREVAC_TICKET } from './prevac-ticket.js';
import { PREVAC_TICKET_ZH } from './prevac-ticket-zh.js';
import { SCICAN_SUMMARY } from './scican-summary.js';

export { AMSCO_LS, AMSCO_LS_METRIC } from './amsco-ls.js';
export { PREVAC_TICKET } from './prevac-ticket.js';
export { PREVAC_TICKET_ZH } from './prevac-ticket-zh.js';
export { SCICAN_SUMMARY } from './scican-summary.js';

export const DEFAULT_PRINTER_PROFILE: PrinterLineProfile = PREVAC_TICKET;

export const BUILTIN_PRINTER_PROFILES: Readonly<Record<string, PrinterLineProfile>> = Object.fromEntries(
  [PREVAC_TICKET, PREVAC_TICKET_ZH, AMSCO_LS, AMSCO_LS_METRIC, SCICAN_SUMMARY].map((p) => [p.name, p]),
);
