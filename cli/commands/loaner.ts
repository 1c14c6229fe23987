// `sterilink loaner show SET [--visit ID | --all] [--json] [--data-dir DIR | --config FILE]`: the whole timeline of a
// loaner set (receipt -> washer cycle -> packing -> sterilizer cycle -> release -> BI -> return) from its signed
// `loaner` records, each checked (hash, signature, chain). Reads the store read-only, while the gateway runs.
// Exit 0 shown, 1 shown but a record failed its integrity check, 2 not found or bad input.
import { LoanerQueries, type LoanerRow } from '../../gateway/http/loaner-queries.js';
import { RecordQueries } from '../../gateway/http/record-queries.js';
import type { LoanerRecordBody } from '../../gateway/load/loaner-record.js';
import { dateTime } from '../../gateway/report/format.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { systemTimeZone } from '../../vocabulary/local-day.js';
import { type CommandIo, println } from './command.js';
import { commandSpec, parseCommand, usageError } from './options.js';
import { existingStore, openStoreReadOnly, STORE_HELP, STORE_OPTIONS } from './store-location.js';
import { runSubcommand } from './subcommands.js';

const USAGE = 'usage: sterilink loaner show SET [--visit ID | --all] [--json] [--data-dir DIR | --config FILE]';
/** The store schema with the loaner tables (migration 5). */
const NEEDS_SCHEMA = 5;

const LOANER_SHOW = commandSpec({
  name: 'sterilink loaner show',
  usage: USAGE,
  details: `The timeline of a loaner set, one line per step (its signed loaner records): receipt, washer cycle, packing
check, sterilizer cycle, release, BI, return, and every hold with its resolution (docs/loaner-sets.md).

  SET             the set's id (the first code scanned at its receipt) or one of its baskets' codes
  --visit ID      one visit (a set comes again for other operations; default: its latest)
  --all           every visit of the set, the oldest first
  --json          the loaner records as a JSON array (as published on records/loaner)
${STORE_HELP}

Exit 0 shown, 1 shown but a record failed its integrity check (run sterilink db verify), 2 not found or bad input.`,
  options: { visit: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' }, ...STORE_OPTIONS },
  positionals: true,
});

const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));

function header(v: LoanerRow, tz: string): string[] {
  return [
    `loaner set ${v.set}  visit ${v.visit}  case ${v.caseRef ?? '-'}  vendor ${v.vendor ?? '-'}`,
    `received ${dateTime(v.receivedAt ?? undefined, tz, true)}  operation due ${dateTime(v.dueAt ?? undefined, tz, false)}  status ${v.status}  holds ${v.holds.length ? v.holds.join(', ') : 'none'}`,
  ];
}

function line(r: SignedRecord, tz: string, ok: boolean): string {
  const b = r.body as unknown as LoanerRecordBody;
  const who = [b.operator, b.representative ? `rep ${b.representative}` : null].filter((x) => x).join(' + ') || 'gateway';
  const holds = b.holds.length ? ` [held: ${b.holds.join(', ')}]` : '';
  const refs = [
    b.load ? `${b.load.device} load ${b.load.loadId}${b.load.cycleNo !== null ? ` cycle ${b.load.cycleNo}` : ''}` : null,
    b.release?.recordId ? `release ${b.release.recordId}` : null,
    b.bi ? `bi ${b.bi.recordId}` : null,
  ].filter((x) => x);
  return `  ${dateTime(b.at, tz, true)}  ${pad(b.step, 15)}${pad(b.status, 15)}${pad(who, 18)}${b.text}${holds}${refs.length ? `  (${refs.join('; ')})` : ''}  seq ${r.seq}${ok ? '' : '  INTEGRITY CHECK FAILED'}`;
}

export function loanerCommand(io: CommandIo): Promise<number> {
  return runSubcommand(io, { ...LOANER_SHOW, name: 'sterilink loaner', subcommands: { show: async () => loanerShow } });
}

async function loanerShow(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, LOANER_SHOW, io.argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const [code, ...extra] = positionals;
  if (!code) throw usageError(LOANER_SHOW, 'which set? give its id or a basket code');
  if (extra.length) throw usageError(LOANER_SHOW, `one SET expected, found also "${extra[0]}"`);
  if (values.visit && values.all) throw usageError(LOANER_SHOW, 'give --visit or --all, not both');
  const { dataDir, config } = existingStore(values, io.env);
  const tz = config?.release?.timeZone ?? systemTimeZone();
  const db = openStoreReadOnly(dataDir, NEEDS_SCHEMA, 'the loaner tables');
  try {
    const loaners = new LoanerQueries(db);
    // a basket's code finds its set too
    let visits = loaners.visitsOf(code);
    if (visits.length === 0) {
      const set = db.prepare('SELECT set_id FROM loaner_visits WHERE visit_id IN (SELECT visit_id FROM loaner_codes WHERE code = ?)').pluck().get(code) as
        | string
        | undefined;
      if (set) visits = loaners.visitsOf(set);
    }
    if (values.visit) visits = visits.filter((v) => v.visit === values.visit);
    else if (!values.all) visits = visits.slice(0, 1);
    else visits = [...visits].reverse();
    if (visits.length === 0) {
      println(io.stderr, `no loaner set ${JSON.stringify(code)}${values.visit ? ` with visit ${values.visit}` : ''} in ${dataDir}`);
      return 2;
    }
    const records = new RecordQueries(db);
    let intact = true;
    const all: SignedRecord[] = [];
    const out: string[] = [];
    for (const v of visits) {
      const steps = loaners.timeline(v.visit);
      if (out.length) out.push('');
      out.push(...header(v, tz), `timeline (${steps.length} step${steps.length === 1 ? '' : 's'}, times ${tz}):`);
      for (const r of steps) {
        const i = records.integrity(r);
        const ok = i.hashValid && i.signatureValid === true && i.chainLinked !== false;
        intact &&= ok;
        out.push(line(r, tz, ok));
        all.push(r);
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    else for (const l of out) println(io.stdout, l);
    if (!intact) {
      println(io.stderr, 'INTEGRITY CHECK FAILED for a loaner record (marked above); run `sterilink db verify`');
      return 1;
    }
    return 0;
  } finally {
    db.close();
  }
}
