// `sterilink db verify [--data-dir DIR | --config FILE | --db FILE] [--full] [--json]`: the store's integrity
// audit (gateway/store/audit.ts). By default it starts at the last signed checkpoint (seconds on years of
// data); --full checks every chain from its first row still stored. --db checks a database file by its own
// name, e.g. a backup made with `sterilink db backup`.
import fs from 'node:fs';
import { type AuditReport, dbPath, formatProblem, openDatabaseFile, verifyStore } from '../../gateway/store/index.js';
import { CommandFailed, type CommandIo, println } from './command.js';
import { commandSpec, parseCommand } from './options.js';
import { existingStore, STORE_HELP, STORE_OPTIONS } from './store-location.js';

export const DB_VERIFY_USAGE = 'usage: sterilink db verify [--data-dir DIR | --config FILE | --db FILE] [--full] [--json]';

const VERIFY = commandSpec({
  name: 'sterilink db verify',
  usage: DB_VERIFY_USAGE,
  details: `Recomputes the hash chains and signatures of the store (read-only, also while the gateway runs), from
the last signed checkpoint (seconds on years of data).
${STORE_HELP}
  --db FILE       check this database file instead, e.g. a backup made with \`sterilink db backup\`
  --full          check every row still stored, from the first record
  --json          the report as JSON
Exit 0 intact, 1 tampering or damage found (the first bad table and seq named), 2 no store or bad input.`,
  options: { ...STORE_OPTIONS, db: { type: 'string' }, full: { type: 'boolean' }, json: { type: 'boolean' } },
});

export async function dbVerify(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, VERIFY, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  if (values.db !== undefined && (values['data-dir'] !== undefined || values.config !== undefined)) {
    throw new CommandFailed('--db and --data-dir/--config: give one of them (--db names a database file, e.g. a backup)');
  }
  let file: string;
  if (values.db !== undefined) {
    file = values.db;
    if (!fs.existsSync(file)) throw new CommandFailed(`no such file: ${file}`);
  } else {
    file = dbPath(existingStore(values, io.env).dataDir);
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
