// The built-in printer-line profiles, by name. A test lints every one of them with validateProfile().

import type { PrinterLineProfile } from '../profile.js';
import { PREVAC_TICKET } from './prevac-ticket.js';

export { PREVAC_TICKET } from './prevac-ticket.js';

export const DEFAULT_PRINTER_PROFILE: PrinterLineProfile = PREVAC_TICKET;

export const BUILTIN_PRINTER_PROFILES: Readonly<Record<string, PrinterLineProfile>> = {
  [PREVAC_TICKET.name]: PREVAC_TICKET,
};
