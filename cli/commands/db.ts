// `sterilink db verify|export|backup [--data-dir DIR | --config FILE]`: export here; verify and backup in
// db-verify.ts and db-backup.ts.
import { cycleTraceCsv } from '../../gateway/cycle/cycle-csv.js';
import { exportRecords, openDatabase, RECORD_TYPES, type RecordType, type SignedRecord } from '../../gateway/store/index.js';
import { didYouMean } from '../../vocabulary/did-you-mean.js';
import { type Command, type CommandIo, println } from './command.js';
import { DB_BACKUP_USAGE, dbBackup } from './db-backup.js';
import { DB_VERIFY_USAGE, dbVerify } from './db-verify.js';
import { commandSpec, parseCommand } from './options.js';
import { existingStore, STORE_HELP, STORE_OPTIONS } from './store-location.js';
import { runSubcommand } from './subcommands.js';

const EXPORT_USAGE = 'usage: sterilink db export [--data-dir DIR | --config FILE] [--type T] [--since ISO] [--seq N] [--format jsonl|csv]';

/** The subcommands of `db`; each parses its own options. */
export const DB_SUBCOMMANDS: Record<string, () => Promise<Command>> = {
  verify: async () => dbVerify,
  export: async () => dbExport,
  backup: async () => dbBackup,
};

export function dbCommand(io: CommandIo): Promise<number> {
  return runSubcommand(io, {
    name: 'sterilink db',
    usage: `${DB_VERIFY_USAGE}\n       ${EXPORT_USAGE.replace('usage: ', '')}\n       ${DB_BACKUP_USAGE.replace('usage: ', '')}`,
    details: `  verify   recompute the hash chains and signatures (from the last signed checkpoint; --full: everything
           still stored): exit 0 intact, 1 tampering or damage found, 2 error
  export   the records as JSON lines, or cycle traces as CSV (they re-verify with \`sterilink verify-trace\`)
  backup   an online copy of the database while the gateway runs (mode 0600); \`db verify --db FILE\` checks it
${STORE_HELP}
sterilink db SUBCOMMAND --help for its options.`,
    subcommands: DB_SUBCOMMANDS,
  });
}

const EXPORT = commandSpec({
  name: 'sterilink db export',
  usage: EXPORT_USAGE,
  details: `The store's records on stdout (read-only, also while the gateway runs).
${STORE_HELP}
  --type T        only records of this type (${RECORD_TYPES.join(', ')})
  --since ISO     only records made at or after this date or date-time
  --seq N         only the record with this seq
  --format F      jsonl (default: one signed record per line) or csv (cycle traces in the verify-trace format)`,
  options: { ...STORE_OPTIONS, type: { type: 'string' }, since: { type: 'string' }, seq: { type: 'string' }, format: { type: 'string', default: 'jsonl' } },
});

async function dbExport(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, EXPORT, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const { dataDir } = existingStore(values, io.env);
  const type = values.type as string | undefined;
  if (type !== undefined && !(RECORD_TYPES as readonly string[]).includes(type)) {
    println(io.stderr, `--type: expected one of ${RECORD_TYPES.join(', ')}, found "${type}"${didYouMean(type, RECORD_TYPES)}`);
    return 2;
  }
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) {
    println(io.stderr, `--since: expected an ISO 8601 date or date-time, found "${values.since}"`);
    return 2;
  }
  const seq = values.seq === undefined ? undefined : Number(values.seq);
  if (seq !== undefined && !(Number.isInteger(seq) && seq > 0)) {
    println(io.stderr, `--seq: expected a record seq (a whole number ≥ 1), found "${values.seq}"`);
    return 2;
  }
  const format = values.format as string;
  if (format !== 'jsonl' && format !== 'csv') {
    println(io.stderr, `--format: expected jsonl or csv, found "${format}"`);
    return 2;
  }
  const db = openDatabase(dataDir, { readonly: true });
  try {
    const filter = {
      ...(type ? { type: type as RecordType } : {}),
      ...(values.since ? { since: new Date(values.since).toISOString() } : {}),
      ...(seq !== undefined ? { seq } : {}),
    };
    if (format === 'jsonl') {
      for (const line of exportRecords(db, filter)) println(io.stdout, line);
      return 0;
    }
    if (type !== undefined && type !== 'cycle') {
      println(io.stderr, '--format csv writes cycle traces: use it with --type cycle (or no --type)');
      return 2;
    }
    let n = 0;
    for (const line of exportRecords(db, { ...filter, type: 'cycle' })) {
      const rec = JSON.parse(line) as SignedRecord;
      const b = rec.body as { cycleNo?: number | null; program?: string | null; verdict?: string };
      // One trace per cycle; the comment lines keep it re-verifiable as written (`verify-trace` reads them).
      io.stdout.write(
        cycleTraceCsv(rec.body, [
          `record seq ${rec.seq} device ${rec.device ?? '-'} cycle ${b.cycleNo ?? '-'} program ${b.program ?? '-'} verdict ${b.verdict ?? '-'}`,
        ]),
      );
      n++;
    }
    if (n === 0) println(io.stderr, 'no cycle records');
    return 0;
  } finally {
    db.close();
  }
}
