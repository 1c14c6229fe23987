// `sterilink report (--cycle ID | --seq N) [--out FILE.html] [--data-dir DIR | --config FILE]`: one cycle
// record as the printable report of the web page, written as one self-contained HTML file (inline CSS
// and SVG curve, no script, no external request) to file or stdout. Printing it to PDF from a browser
// gives the archive copy. Reads the store read-only; exit 0 written, 1 written but the record's
// integrity check failed, 2 not found or bad input.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../../config/load-config.js';
import type { GatewayConfig } from '../../config/schema.js';
import { RecordQueries } from '../../gateway/http/record-queries.js';
import { renderCycleReport } from '../../gateway/report/report-html.js';
import { dbPath, openDatabase, schemaVersion } from '../../gateway/store/index.js';
import { knownProgramIds, type ProgramOverride, resolvePrograms } from '../../gateway/verify/index.js';
import { VERSION } from '../../gateway/version.js';
import { systemTimeZone } from '../../vocabulary/local-day.js';
import { type CommandIo, println, UsageError } from './command.js';

const USAGE = 'usage: sterilink report (--cycle ID | --seq N) [--out FILE.html] [--data-dir DIR | --config FILE]';
/** The store schema that has the lookup tables the report reads (migration 4). */
const NEEDS_SCHEMA = 4;

export async function reportCommand(io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: io.argv,
    strict: true,
    options: {
      cycle: { type: 'string' },
      seq: { type: 'string' },
      out: { type: 'string', short: 'o' },
      'data-dir': { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    println(
      io.stdout,
      `${USAGE}\n\n  --cycle ID   the cycle record's id, or the cycle id in its body\n  --seq N      the record's seq\n  --out FILE   write there (default: stdout)\n  --data-dir   the store (default: STERILINK_DATA_DIR, the config's dataDir, or ./data)\n  --config     the gateway's config: its store, programs, time zone and ui.locale`,
    );
    return 0;
  }
  if (Boolean(values.cycle) === Boolean(values.seq)) throw new UsageError(`${USAGE}\n(give exactly one of --cycle and --seq)`);
  const seq = values.seq === undefined ? null : Number(values.seq);
  if (seq !== null && !(Number.isSafeInteger(seq) && seq >= 1))
    throw new UsageError(`--seq: expected a record seq (a whole number >= 1), found "${values.seq}"`);

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
  // like `run`: the environment's data dir wins over the config's; an explicit --data-dir over both
  const dataDir = path.resolve(values['data-dir'] ?? (io.env.STERILINK_DATA_DIR || undefined) ?? config?.dataDir ?? './data');
  if (!fs.existsSync(dbPath(dataDir))) {
    println(io.stderr, `no SteriLink database in ${dataDir} (expected ${dbPath(dataDir)})`);
    return 2;
  }
  const db = openDatabase(dataDir, { readonly: true });
  try {
    const version = schemaVersion(db);
    if (version < NEEDS_SCHEMA) {
      println(
        io.stderr,
        `the store in ${dataDir} has schema version ${version}; start the gateway of this version once to add the report's lookup tables (migration ${NEEDS_SCHEMA})`,
      );
      return 2;
    }
    const queries = new RecordQueries(db);
    const record = seq !== null ? queries.cycleRecord({ seq }) : queries.cycleRecord({ id: values.cycle as string });
    if (!record) {
      println(io.stderr, `no cycle record ${seq !== null ? `with seq ${seq}` : `"${values.cycle}"`} in ${dataDir}`);
      return 2;
    }
    const programs = resolvePrograms((config?.programs ?? []) as ProgramOverride[]);
    const cycleId = typeof record.body.cycleId === 'string' ? record.body.cycleId : null;
    const programId = typeof record.body.program === 'string' ? record.body.program : null;
    const integrity = queries.integrity(record);
    const html = renderCycleReport({
      record,
      releases: queries.releasesOfCycle(cycleId),
      biRecords: queries.biOfCycle(cycleId),
      integrity,
      program: programId && Object.hasOwn(programs, programId) ? programs[programId] : undefined,
      locale: config?.ui.locale ?? 'en',
      timeZone: config?.release?.timeZone ?? systemTimeZone(),
      generatedAt: new Date().toISOString(),
      version: VERSION,
    });
    if (values.out) {
      fs.writeFileSync(values.out, html, { mode: 0o640 });
      println(
        io.stderr,
        `wrote ${values.out}: ${record.device ?? '-'} cycle ${String(record.body.cycleNo ?? '-')} (record seq ${record.seq}), verdict ${String(record.body.verdict)}`,
      );
    } else {
      io.stdout.write(html);
    }
    const intact = integrity.hashValid && integrity.signatureValid === true && integrity.chainLinked !== false;
    if (!intact) {
      println(
        io.stderr,
        `INTEGRITY CHECK FAILED for record seq ${record.seq}: hash ${integrity.hashValid ? 'ok' : 'MISMATCH'}, signature ${integrity.signatureValid === null ? 'key unknown' : integrity.signatureValid ? 'ok' : 'INVALID'}, chain ${integrity.chainLinked === false ? 'BROKEN' : 'ok'}; run \`sterilink db verify\``,
      );
      return 1;
    }
    return 0;
  } finally {
    db.close();
  }
}
