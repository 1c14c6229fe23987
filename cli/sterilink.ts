#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=69632 node --max-semi-space-size=1 --v8-pool-size=1
import { errorMessage, isGatewayError } from '../vocabulary/errors.js';
// The `sterilink` command. Every verb lives in cli/commands/ and is loaded on demand, so `--help` and
// `verify-trace` start fast on a Raspberry Pi (and only `simulate` and `demo` load the simulators).
import { type Command, CommandFailed, type CommandIo, println, UsageError } from './commands/command.js';

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
  check-config FILE [--offline]         validate a config and this machine for it: exit 0, or 2 listing every problem
  db verify [--data-dir DIR | --config FILE | --db FILE] [--full]
                                        recompute the hash chains and signatures (from the last checkpoint;
                                        --full: every row still stored): exit 0 intact, 1 tampered
  db backup FILE [--data-dir DIR | --config FILE]
                                        an online copy of the database while the gateway runs (mode 0600)
  db export [--data-dir DIR | --config FILE] [--type T] [--since ISO] [--seq N] [--format jsonl|csv]
                                        export records (csv: cycle traces in the verify-trace format)
  keys show|rotate [--data-dir DIR | --config FILE]
                                        the gateway's Ed25519 public key and key id
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

Every command answers --help (sterilink COMMAND --help, or sterilink help COMMAND). Also: --version.
The store commands (db, keys, report, loaner) use --data-dir, else STERILINK_DATA_DIR, else the dataDir of
--config, else ./data. Environment variables: docs/operations.md. Logs are JSON lines (pretty on a terminal).
`;

/** The verbs: verb `x-y` lives in cli/commands/x-y.ts as `xYCommand`, loaded only when it is run. */
const VERBS = [
  'run',
  'demo',
  'simulate',
  'verify-trace',
  'check-config',
  'db',
  'keys',
  'report',
  'loaner',
  'programs',
  'decode-barcode',
  'verify-record',
  'watch',
] as const;

async function loadVerb(verb: string): Promise<Command | null> {
  if (!(VERBS as readonly string[]).includes(verb)) return null;
  const exported = `${verb.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Command`;
  const module = (await import(`./commands/${verb}.js`)) as Record<string, Command | undefined>;
  const command = module[exported];
  if (!command) throw new Error(`cli/commands/${verb}.js does not export ${exported}`);
  return command;
}

async function main(argv: string[]): Promise<number> {
  const io: CommandIo = { argv: argv.slice(1), stdout: process.stdout, stderr: process.stderr, env: process.env };
  let verb = argv[0];
  if (verb === 'help' && argv[1] !== undefined) {
    // `sterilink help db` = `sterilink db --help`
    verb = argv[1];
    io.argv = ['--help'];
  } else if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    println(verb ? io.stdout : io.stderr, HELP);
    return verb ? 0 : 2;
  }
  if (verb === '--version' || verb === '-v') {
    const { VERSION } = await import('../gateway/version.js');
    println(io.stdout, VERSION);
    return 0;
  }
  // Time zones from the system's zone files rather than ICU (~6 MB less resident; docs/performance.md, "Memory"),
  // installed before any verb loads a config: the config's default timeZone is the machine's.
  const { installZoneinfoFiles } = await import('../gateway/system/zoneinfo-files.js');
  installZoneinfoFiles({ env: io.env });
  const command = await loadVerb(verb);
  if (!command) {
    const { didYouMean } = await import('../vocabulary/did-you-mean.js');
    println(io.stderr, `sterilink: unknown command "${verb}"${didYouMean(verb, [...VERBS, '--help', '--version'])}\n(sterilink --help lists the commands)`);
    return 2;
  }
  try {
    return await command(io);
  } catch (e) {
    if (e instanceof UsageError) {
      println(io.stderr, e.message);
      return 2;
    }
    if (e instanceof CommandFailed) {
      println(io.stderr, e.message);
      return e.exitCode;
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
