// `sterilink verify-trace TRACE.csv --program ID [--json] [--volume-l N] [--config FILE]`: exit 0 pass, 1 fail,
// 2 bad input. With --config the site's programs (config `programs:`) are known too, so a cycle recorded
// under a site program (e.g. pressureChannel: false) re-verifies as the gateway verified it.
import fs from 'node:fs';
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
import { didYouMean } from '../../vocabulary/did-you-mean.js';
import { type CommandIo, println } from './command.js';
import { commandSpec, parseCommand, usageError } from './options.js';

const VERIFY_TRACE = commandSpec({
  name: 'sterilink verify-trace',
  usage: 'usage: sterilink verify-trace TRACE.csv --program ID [--json] [--volume-l N] [--config FILE]',
  details: `Verifies a cycle trace (CSV t_s,temp_c,pressure_kpa,phase[,temp2_c]; \`db export --format csv\` writes them) against a program.
  --program ID    the program the cycle ran (sterilink programs lists them)
  --json          the result as JSON
  --volume-l N    the chamber volume in litres (for the criteria that depend on it)
  --config FILE   the gateway's config: its site programs are known too
Exit 0 pass, 1 fail, 2 bad input.`,
  options: { program: { type: 'string', short: 'p' }, json: { type: 'boolean' }, 'volume-l': { type: 'string' }, config: { type: 'string', short: 'c' } },
  positionals: true,
});

export async function verifyTraceCommand(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, VERIFY_TRACE, io.argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (!file) throw usageError(VERIFY_TRACE, 'which trace? give the CSV file');
  if (positionals.length > 1) throw usageError(VERIFY_TRACE, `one TRACE.csv expected, found also "${positionals[1]}"`);
  if (!values.program) throw usageError(VERIFY_TRACE, 'give the program the cycle ran (--program ID; sterilink programs lists them)');
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
    println(
      io.stderr,
      `unknown program "${values.program}"${didYouMean(values.program, Object.keys(programs))}; known programs: ${Object.keys(programs).join(', ')}`,
    );
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
