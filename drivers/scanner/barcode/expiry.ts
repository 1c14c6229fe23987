// Expiry of a scanned item for the load workflow: GS1 AI (17) or the HIBC expiry, as decoded.

import type { DecodedBarcode } from '../../../vocabulary/barcode.js';
import { isIsoDate } from './dates.js';

/**
 * True when the code carries an expiry date before `on` (YYYY-MM-DD): an item may be used through
 * its expiry day. False when it carries none (or an unreadable one: `decoded.valid` says so).
 * HIBC expiry hours are not considered. Throws RangeError for a malformed `on` (a programming error).
 */
export function isExpired(decoded: Pick<DecodedBarcode, 'fields'>, on: string): boolean {
  if (!isIsoDate(on)) throw new RangeError(`isExpired: "${on}" is not a YYYY-MM-DD date`);
  const expiry = decoded.fields.expiry;
  return expiry !== undefined && isIsoDate(expiry) && expiry < on;
}
