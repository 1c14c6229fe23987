// `sterilink report (--cycle ID | --seq N) [--out FILE.html] [--data-dir DIR | --config FILE]`: one cycle
// record as the printable report of the web page, written as one self-contained HTML file (inline CSS
// and SVG curve, no script, no external request) to file or stdout. Printing it to PDF from a browser
// gives the archive copy. Reads the store read-only; exit 0 written, 1 written but the record's
// integrity check failed, 2 not found or bad input.
import fs from 'node:fs';
import { RecordQueries } from '../../gateway/http/record-queries.js';
import { renderCycleReport } from '../../gateway/report/report-html.js';
import { type ProgramOverride, resolvePrograms } from '../../gateway/verify/index.js';
import { VERSION } from '../../gateway/version.js';
import { systemTimeZone } from '../../vocabulary/local-day.js';
import { type CommandIo, println, UsageError } from './command.js';
import { commandSpec, parseCommand, usageError } from './options.js';
import { existingStore, openStoreReadOnly, STORE_HELP, STORE_OPTIONS } from './store-location.js';

const USAGE = 'usage: sterilink report (--cycle ID | --seq N) [--out FILE.html] [--data-dir DIR | --config FILE]';
/** The store schema that has the lookup tables the report reads (migration 4). */
const NEEDS_SCHEMA = 4;

const REPORT = commandSpec({
  name: 'sterilink report',
  usage: USAGE,
  details: `  --cycle ID      the cycle record's id, or the cycle id in its body
  --seq N         the record's seq
  --out FILE      write there (default: stdout)
${STORE_HELP}
Exit 0 written, 1 written but the record failed its integrity check, 2 not found or bad input.`,
  options: { cycle: { type: 'string' }, seq: { type: 'string' }, out: { type: 'string', short: 'o' }, ...STORE_OPTIONS },
});

export async function reportCommand(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, REPORT, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  if (Boolean(values.cycle) === Boolean(values.seq)) throw usageError(REPORT, 'give exactly one of --cycle and --seq');
  const seq = values.seq === undefined ? null : Number(values.seq);
  if (seq !== null && !(Number.isSafeInteger(seq) && seq >= 1))
    throw new UsageError(`--seq: expected a record seq (a whole number >= 1), found "${values.seq}"`);
  const { dataDir, config } = existingStore(values, io.env);
  const db = openStoreReadOnly(dataDir, NEEDS_SCHEMA, "the report's lookup tables");
  try {
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
