// `sterilink db verify|export|backup [--data-dir DIR]`: export here; verify and backup in db-verify.ts, db-backup.ts.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { cycleTraceCsv } from '../../gateway/cycle/cycle-csv.js';
import { dbPath, exportRecords, openDatabase, RECORD_TYPES, type RecordType, type SignedRecord } from '../../gateway/store/index.js';
import { type CommandIo, println, UsageError } from './command.js';
import { DB_BACKUP_USAGE, dbBackupCommand } from './db-backup.js';
import { DB_VERIFY_USAGE, dbVerifyCommand } from './db-verify.js';

const USAGE = `${DB_VERIFY_USAGE}\n       sterilink db export [--data-dir DIR] [--type T] [--since ISO] [--seq N] [--format jsonl|csv]\n${DB_BACKUP_USAGE.replace('usage:', '      ')}`;

export async function dbCommand(io: CommandIo): Promise<number> {
  const [sub, ...rest] = io.argv;
  // Subcommands with their own files and options:
  if (sub === 'verify') return dbVerifyCommand(io, rest);
  if (sub === 'backup') return dbBackupCommand(io, rest);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      'data-dir': { type: 'string', default: './data' },
      json: { type: 'boolean' },
      type: { type: 'string' },
      since: { type: 'string' },
      seq: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
    },
  });
  const dataDir = values['data-dir'] as string;
  if (sub !== 'export') throw new UsageError(USAGE);
  if (!fs.existsSync(dbPath(dataDir))) {
    println(io.stderr, `no SteriLink database in ${dataDir} (expected ${dbPath(dataDir)})`);
    return 2;
  }
  const type = values.type as string | undefined;
  if (type !== undefined && !(RECORD_TYPES as readonly string[]).includes(type)) {
    println(io.stderr, `--type: expected one of ${RECORD_TYPES.join(', ')}, found "${type}"`);
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
