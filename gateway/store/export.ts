// `sterilink db export --format jsonl`: stored records, one signed record per line, in seq order.
import { GatewayError } from '../../vocabulary/errors.js';
import type { Db } from './database.js';
import { RECORD_TYPES, type RecordType } from './record.js';

export interface ExportFilter {
  type?: RecordType;
  /** ISO 8601 date-time: records with ts at or after it. */
  since?: string;
  /** Only the record with this seq. */
  seq?: number;
}

/** Yields each matching record's canonical JSON text (no trailing newline), streaming from the DB. */
export function* exportRecords(db: Db, filter: ExportFilter = {}): Generator<string> {
  if (filter.type !== undefined && !(RECORD_TYPES as readonly string[]).includes(filter.type)) {
    throw new GatewayError('store.export', `unknown record type ${filter.type}; expected one of ${RECORD_TYPES.join(', ')}`, { type: filter.type });
  }
  let since: string | null = null;
  if (filter.since !== undefined) {
    const t = Date.parse(filter.since);
    if (Number.isNaN(t)) throw new GatewayError('store.export', `--since ${filter.since} is not a date`, { since: filter.since });
    since = new Date(t).toISOString(); // stored ts are toISOString() text, so text order is time order
  }
  const stmt = db
    .prepare(
      'SELECT json FROM records WHERE (@type IS NULL OR type = @type) AND (@since IS NULL OR ts >= @since) AND (@seq IS NULL OR seq = @seq) ORDER BY seq',
    )
    .pluck();
  for (const json of stmt.iterate({ type: filter.type ?? null, since, seq: filter.seq ?? null })) yield json as string;
}
