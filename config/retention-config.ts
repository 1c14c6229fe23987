// `retention:` (docs/operations.md, "Retention"): how long the store keeps each table, by age and by
// size, and how often the gateway checks. Every key is optional; absent, samples and raw device lines
// are kept 90 days after their cycle record was delivered and records 3 years (WS 310). Records are
// never deleted younger than 3 years, whatever the size limit, and nothing is deleted before the
// broker acknowledged the records that bind it. The store applies it (gateway/store/retention.ts).
import { z } from 'zod';
import { RETENTION_DEFAULTS as D } from './retention-defaults.js';

/** WS 310: monitoring records are kept at least 3 years (the store enforces it too). */
export const RECORDS_MIN_DAYS = 1095;

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)$/i;

/** A size in bytes: a whole number, or text like "500 MB" or "2GiB". */
export const byteSize = z.unknown().transform((v, ctx): number => {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  const m = typeof v === 'string' ? SIZE.exec(v.trim()) : null;
  if (m) return Math.round(Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number));
  ctx.addIssue({ code: 'custom', input: v, message: 'expected a number of bytes or a size such as 500 MB, 2 GB or 1.5 GiB' });
  return z.NEVER;
});

const tableRetention = z.strictObject({
  /** Rows older than this many days (and delivered) are deleted. */
  maxAgeDays: z.number().positive().optional(),
  /** When the table and its indexes take more than this, the oldest deletable rows go first. */
  maxBytes: byteSize.optional(),
});

export const retentionSchema = z.strictObject({
  /** Minutes between two retention passes in the running gateway (the first comes 5 minutes after start). */
  intervalMinutes: z.number().positive().max(1440).default(D.intervalMinutes),
  /** Rows deleted per transaction; the event loop runs between two. */
  batchRows: z.number().int().min(10).max(100_000).default(D.batchRows),
  /** Hours between two signed checkpoints (when something was stored in between). */
  checkpointHours: z
    .number()
    .positive()
    .max(24 * 31)
    .default(D.checkpointHours),
  samples: tableRetention.default({ ...D.samples }),
  raw_lines: tableRetention.default({ ...D.raw_lines }),
  records: z
    .strictObject({
      maxAgeDays: z
        .number()
        .refine((d) => d >= RECORDS_MIN_DAYS, `expected at least ${RECORDS_MIN_DAYS} days (WS 310 keeps monitoring records 3 years)`)
        .optional(),
      maxBytes: byteSize.optional(),
    })
    .default({ ...D.records }),
});

export type RetentionConfig = z.output<typeof retentionSchema>;
