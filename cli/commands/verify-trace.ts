// `sterilink verify-trace TRACE.csv --program ID [--json] [--volume-l N] [--config FILE]`: exit 0 pass, 1 fail,
// 2 bad input. With --config the site's programs (config `programs:`) are known too, so a cycle recorded
// under a site program (e.g. pressureChannel: false) re-verifies as the gateway verified it.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../../config/load-config.js';
import {
  type CycleTrace,
  formatVerificationTable,
  knownProgramIds,
  PRESETS,
  type Program,
  type ProgramOverride,
  parseTraceFile,
  resolvePrograms,
  TraceFormatError,
  verifyCycle,
} from '../../gateway/verify/index.js';
import { type CommandIo, println, UsageError } from './command.js';

const USAGE = 'usage: sterilink verify-trace TRACE.csv --program ID [--json] [--volume-l N] [--config FILE]';

export async function verifyTraceCommand(io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: io.argv,
    allowPositionals: true,
    strict: true,
    options: { program: { type: 'string', short: 'p' }, json: { type: 'boolean' }, 'volume-l': { type: 'string' }, config: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file || !values.program) throw new UsageError(USAGE);
  let programs: Readonly<Record<string, Readonly<Program>>> = PRESETS;
  if (values.config !== undefined) {
    try {
      const { config } = loadConfigFile(values.config, { env: io.env, knownPrograms: knownProgramIds() });
      programs = resolvePrograms(config.programs as ProgramOverride[]);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      println(io.stderr, e.message);
      return 2;
    }
  }
  const program = Object.hasOwn(programs, values.program) ? programs[values.program] : undefined;
  if (!program) {
    println(io.stderr, `unknown program "${values.program}"; known programs: ${Object.keys(programs).join(', ')}`);
    return 2;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    println(io.stderr, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  let trace: CycleTrace;
  try {
    const parsed = parseTraceFile(text); // `# result:` / a result column: the device's own word (docs/verification.md)
    trace = { samples: parsed.samples, ...(parsed.deviceResult !== undefined && { deviceResult: parsed.deviceResult }) };
  } catch (e) {
    if (e instanceof TraceFormatError) {
      println(io.stderr, `${file}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (values['volume-l'] !== undefined) {
    const v = Number(values['volume-l']);
    if (!(v > 0)) {
      println(io.stderr, `--volume-l: expected a chamber volume in litres > 0, found "${values['volume-l']}"`);
      return 2;
    }
    trace.chamberLitres = v;
  }
  const result = verifyCycle(trace, program);
  if (values.json) println(io.stdout, JSON.stringify(result, null, 2));
  else {
    println(io.stdout, `${file}: program ${program.id} (${program.title}): ${result.verdict.toUpperCase()}`);
    if (result.hold) println(io.stdout, `hold ${result.hold.seconds.toFixed(0)} s from t=${result.hold.start} s to t=${result.hold.end} s`);
    println(io.stdout, formatVerificationTable(result));
  }
  return result.verdict === 'pass' ? 0 : 1;
}
