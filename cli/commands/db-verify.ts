// `sterilink db verify [--data-dir DIR | --db FILE] [--full] [--json]`: the store's integrity audit
// (gateway/store/audit.ts). By default it starts at the last signed checkpoint (seconds on years of
// data); --full checks every chain from its first row still stored. --db checks a database file by
// its own name, e.g. a backup made with `sterilink db backup`.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { type AuditReport, dbPath, formatProblem, openDatabaseFile, verifyStore } from '../../gateway/store/index.js';
import { type CommandIo, println } from './command.js';

export const DB_VERIFY_USAGE = 'usage: sterilink db verify [--data-dir DIR | --db FILE] [--full] [--json]';

export async function dbVerifyCommand(io: CommandIo, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      db: { type: 'string' },
      full: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    println(io.stdout, DB_VERIFY_USAGE);
    return 0;
  }
  if (values.db !== undefined && values['data-dir'] !== undefined) {
    println(io.stderr, '--db and --data-dir: give one of them (--db names a database file, e.g. a backup)');
    return 2;
  }
  const dataDir = values['data-dir'] ?? io.env.STERILINK_DATA_DIR ?? './data';
  const file = values.db ?? dbPath(dataDir);
  if (!fs.existsSync(file)) {
    println(io.stderr, values.db !== undefined ? `no such file: ${file}` : `no SteriLink database in ${dataDir} (expected ${file})`);
    return 2;
  }
  const db = openDatabaseFile(file, { readonly: true });
  let report: AuditReport;
  try {
    report = verifyStore(db, { full: values.full === true });
  } finally {
    db.close();
  }
  if (values.json) println(io.stdout, JSON.stringify(report, null, 2));
  if (report.ok) {
    if (!values.json) {
      const from =
        report.fromCheckpoint === null
          ? report.firstSeq > 1
            ? `from seq ${report.firstSeq}, the first record kept (older ones were pruned)`
            : 'from the first record'
          : `from the checkpoint at seq ${report.fromCheckpoint} (--full checks everything still stored)`;
      println(
        io.stdout,
        `intact: ${report.records} records, ${report.samples} samples, ${report.rawLines} raw lines, ${report.keys} key(s) checked ${from}; every chain and signature verified`,
      );
    }
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
