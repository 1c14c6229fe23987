// `sterilink db verify|export [--data-dir DIR]`.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { cycleTraceCsv } from '../../gateway/cycle/cycle-csv.js';
import {
  dbPath,
  exportRecords,
  formatProblem,
  openDatabase,
  RECORD_TYPES,
  type RecordType,
  type SignedRecord,
  verifyStore,
} from '../../gateway/store/index.js';
import { type CommandIo, println, UsageError } from './command.js';

const USAGE =
  'usage: sterilink db verify [--data-dir DIR] [--json]\n       sterilink db export [--data-dir DIR] [--type T] [--since ISO] [--seq N] [--format jsonl|csv]';

export async function dbCommand(io: CommandIo): Promise<number> {
  const [sub, ...rest] = io.argv;
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
  if (sub !== 'verify' && sub !== 'export') throw new UsageError(USAGE);
  if (!fs.existsSync(dbPath(dataDir))) {
    println(io.stderr, `no SteriLink database in ${dataDir} (expected ${dbPath(dataDir)})`);
    return 2;
  }
  if (sub === 'verify') {
    const report = verifyStore(dataDir);
    if (values.json) println(io.stdout, JSON.stringify(report, null, 2));
    if (report.ok) {
      if (!values.json)
        println(
          io.stdout,
          `intact: ${report.records} records, ${report.samples} samples, ${report.rawLines} raw lines, ${report.keys} key(s); every chain and signature verified`,
        );
      return 0;
    }
    const first = report.problems[0];
    if (!values.json) {
      println(
        io.stdout,
        `TAMPERING OR DAMAGE FOUND: ${report.problems.length}${report.truncated ? '+' : ''} problem(s); first: ${first ? formatProblem(first) : '?'}`,
      );
      for (const p of report.problems.slice(1, 20)) println(io.stdout, `  ${formatProblem(p)}`);
    }
    return 1;
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
