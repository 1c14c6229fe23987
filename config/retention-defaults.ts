// What `retention:` means when a key is absent (config/retention-config.ts applies these as the schema's
// defaults; the store uses them for a config without `retention:`). Plain values, without the schema
// library, so that the running gateway does not load it (config-error.ts says why).

/** Absent `retention:` altogether: samples and raw lines 90 days after delivery, records 3 years and a day (WS 310). */
export const RETENTION_DEFAULTS = {
  intervalMinutes: 60,
  batchRows: 1000,
  checkpointHours: 24,
  samples: { maxAgeDays: 90 },
  raw_lines: { maxAgeDays: 90 },
  records: { maxAgeDays: 1096 },
} as const;
