#!/usr/bin/env -S node --max-semi-space-size=1
import { errorMessage, isGatewayError } from '../vocabulary/errors.js';
// The `sterilink` command. Every verb lives in cli/commands/ and is loaded on demand, so `--help` and
// `verify-trace` start fast on a Raspberry Pi (and only `simulate` and `demo` load the simulators).
import { type Command, type CommandIo, println, UsageError } from './commands/command.js';

const HELP = `sterilink — CSSD edge gateway: sterilizer and washer data to verified, signed load records on MQTT

Usage: sterilink <command> [options]

  run --config FILE [--log-level L]     run the gateway
  demo [--speed N] [--cycles N] [--data-dir DIR] [--gateway NAME]
                                        gateway + simulated sterilizers + embedded MQTT broker
  simulate autoclave|washer|bi-reader|scanner (--serial PATH | --tcp PORT) [--program ID] [--speed N]
                     [--cycles N] [--fault NAME] [--replay TRACE.csv] [--name NAME] [--wait-client]
                                        a simulated device (sterilink simulate --help for all options)
  verify-trace TRACE.csv --program ID [--json] [--volume-l N] [--config FILE]
                                        verify a cycle trace: exit 0 pass, 1 fail, 2 bad input
  check-config FILE                     validate a config: exit 0, or 2 listing every problem
  db verify [--data-dir DIR]            recompute every hash chain and signature: exit 0 intact, 1 tampered
  db export [--data-dir DIR] [--type T] [--since ISO] [--seq N] [--format jsonl|csv]
                                        export records (csv: cycle traces in the verify-trace format)
  keys show|rotate [--data-dir DIR]     the gateway's Ed25519 public key and key id
  report (--cycle ID | --seq N) [--out FILE.html] [--data-dir DIR | --config FILE]
                                        one cycle record as a printable, self-contained HTML report
  loaner show SET [--visit ID | --all] [--json] [--data-dir DIR | --config FILE]
                                        a loaner set's timeline: receipt, wash, packing, sterilization, release, BI, return
  programs                              list the verification programs and their limits
  watch [--url mqtt://HOST:PORT] [--site S] [--gateway G] [--once [--json]]
                                        live terminal view of devices: phase, T, p, T−Tsat, hold, curve, verdicts
  decode-barcode TEXT [--json]          how the gateway reads a scan: exit 0 valid, 1 invalid or unknown, 2 usage
  verify-record [FILE] [--status FILE | --key BASE64 | --key-file PEM] [--json]
                                        check received records (file or stdin): hash, signature, chain, seq gaps

Options: --help, --version. Logs are JSON lines (pretty on a terminal); --log-level debug|info|warn|error.
`;

type Loader = () => Promise<Command>;

const VERBS: Record<string, Loader> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  simulate: async () => (await import('./commands/simulate.js')).simulateCommand,
  'verify-trace': async () => (await import('./commands/verify-trace.js')).verifyTraceCommand,
  'check-config': async () => (await import('./commands/check-config.js')).checkConfigCommand,
  db: async () => (await import('./commands/db.js')).dbCommand,
  keys: async () => (await import('./commands/keys.js')).keysCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  loaner: async () => (await import('./commands/loaner.js')).loanerCommand,
  programs: async () => (await import('./commands/programs.js')).programsCommand,
  'decode-barcode': async () => (await import('./commands/decode-barcode.js')).decodeBarcodeCommand,
  'verify-record': async () => (await import('./commands/verify-record.js')).verifyRecordCommand,
  watch: async () => (await import('./commands/watch.js')).watchCommand,
};

async function main(argv: string[]): Promise<number> {
  const io: CommandIo = { argv: argv.slice(1), stdout: process.stdout, stderr: process.stderr, env: process.env };
  const verb = argv[0];
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    println(io.stdout, HELP);
    return verb ? 0 : 2;
  }
  if (verb === '--version' || verb === '-v') {
    const { VERSION } = await import('../gateway/version.js');
    println(io.stdout, VERSION);
    return 0;
  }
  const load = VERBS[verb];
  if (!load) {
    println(io.stderr, `sterilink: unknown command "${verb}"\n\n${HELP}`);
    return 2;
  }
  try {
    const command = await load();
    return await command(io);
  } catch (e) {
    if (e instanceof UsageError) {
      println(io.stderr, e.message);
      return 2;
    }
    println(io.stderr, `sterilink ${verb}: ${isGatewayError(e) ? `${e.code}: ` : ''}${errorMessage(e)}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`sterilink: ${errorMessage(e)}\n`);
    process.exitCode = 2;
  },
);
