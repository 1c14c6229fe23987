// `sterilink loaner show SET [--visit ID | --all] [--json] [--data-dir DIR | --config FILE]`: the whole timeline of a
// loaner set (receipt -> washer cycle -> packing -> sterilizer cycle -> release -> BI -> return) from its signed
// `loaner` records, each checked (hash, signature, chain). Reads the store read-only, while the gateway runs.
// Exit 0 shown, 1 shown but a record failed its integrity check, 2 not found or bad input.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../../config/load-config.js';
import type { GatewayConfig } from '../../config/schema.js';
import { LoanerQueries, type LoanerRow } from '../../gateway/http/loaner-queries.js';
import { RecordQueries } from '../../gateway/http/record-queries.js';
import type { LoanerRecordBody } from '../../gateway/load/loaner-record.js';
import { dateTime } from '../../gateway/report/format.js';
import { dbPath, openDatabase, schemaVersion } from '../../gateway/store/index.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import { systemTimeZone } from '../../vocabulary/local-day.js';
import { type CommandIo, println, UsageError } from './command.js';

const USAGE = 'usage: sterilink loaner show SET [--visit ID | --all] [--json] [--data-dir DIR | --config FILE]';
/** The store schema with the loaner tables (migration 5). */
const NEEDS_SCHEMA = 5;

const HELP = `${USAGE}

The timeline of a loaner set, one line per step (its signed loaner records): receipt, washer cycle, packing
check, sterilizer cycle, release, BI, return, and every hold with its resolution (docs/loaner-sets.md).

  SET          the set's id (the first code scanned at its receipt) or one of its baskets' codes
  --visit ID   one visit (a set comes again for other operations; default: its latest)
  --all        every visit of the set, the oldest first
  --json       the loaner records as a JSON array (as published on records/loaner)
  --data-dir   the store (default: STERILINK_DATA_DIR, the config's dataDir, or ./data)
  --config     the gateway's config: its store and time zone

Exit 0 shown, 1 shown but a record failed its integrity check (run sterilink db verify), 2 not found or bad input.`;

/**
 * The store's folder: --data-dir, else STERILINK_DATA_DIR, else the config's dataDir, else ./data (as `report` does).
 * Replace with the CLI's shared data-dir function once it is on main (one place for every verb).
 */
function dataDirOf(flag: string | undefined, env: NodeJS.ProcessEnv, config: GatewayConfig | null): string {
  return path.resolve(flag ?? (env.STERILINK_DATA_DIR || undefined) ?? config?.dataDir ?? './data');
}

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

export async function loanerCommand(io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: io.argv,
    strict: true,
    allowPositionals: true,
    options: {
      visit: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    println(io.stdout, HELP);
    return 0;
  }
  const [sub, code, ...extra] = positionals;
  if (sub !== 'show' || !code || extra.length) throw new UsageError(`${USAGE}\n(sterilink loaner --help for more)`);
  if (values.visit && values.all) throw new UsageError(`${USAGE}\n(give --visit or --all, not both)`);

  let config: GatewayConfig | null = null;
  if (values.config) {
    try {
      config = loadConfigFile(values.config, { env: io.env, knownPrograms: knownProgramIds() }).config;
    } catch (e) {
      if (e instanceof ConfigError) {
        println(io.stderr, e.message);
        return 2;
      }
      throw e;
    }
  }
  const dataDir = dataDirOf(values['data-dir'], io.env, config);
  if (!fs.existsSync(dbPath(dataDir))) {
    println(io.stderr, `no SteriLink database in ${dataDir} (expected ${dbPath(dataDir)})`);
    return 2;
  }
  const tz = config?.release?.timeZone ?? systemTimeZone();
  const db = openDatabase(dataDir, { readonly: true });
  try {
    const version = schemaVersion(db);
    if (version < NEEDS_SCHEMA) {
      println(
        io.stderr,
        `the store in ${dataDir} has schema version ${version}; start the gateway of this version once to add the loaner tables (migration ${NEEDS_SCHEMA})`,
      );
      return 2;
    }
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
