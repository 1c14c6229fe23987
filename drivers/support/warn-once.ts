// "Log a repeated problem once": the first occurrence of each reason is a warning, later ones with the
// same reason go to debug level. The caller counts every occurrence; this only keeps the log quiet.
// Reasons must come from a small fixed set (the drivers' parse-error reasons), or the set grows.

import type { Logger } from 'pino';
import { truncateRaw } from '../../vocabulary/device-event.js';

export class WarnOncePerReason {
  private readonly warned = new Set<string>();
  private readonly log: Logger;
  private readonly what: string;

  /** `what` names the problem in the log, e.g. `unparsed line`. */
  constructor(log: Logger, what: string) {
    this.log = log;
    this.what = what;
  }

  /** Logs one occurrence: `raw` is truncated; `extra` fields are added to the log line. */
  warn(reason: string, raw: string, extra: Record<string, unknown> = {}): void {
    const fields = { reason, raw: truncateRaw(raw), ...extra };
    if (this.warned.has(reason)) {
      this.log.debug(fields, this.what);
      return;
    }
    this.warned.add(reason);
    this.log.warn(fields, `${this.what} (counted; further ones with this reason are logged at debug level)`);
  }
}
