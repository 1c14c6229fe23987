// `sterilink check-config FILE [--offline]`: exit 0 when the file is valid and this machine can run it, else 2
// with one line per problem. The file first (schema, cross-field rules, programs, profiles, secrets files); then,
// unless --offline, what a deployment gets wrong on this machine, as this user: the data folder, the serial
// lines, the broker's name in DNS, the TLS files (cli/preflight). `run` makes the same checks before it starts.
import { ConfigError, loadConfigFile } from '../../config/load-config.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import { type CommandIo, println } from './command.js';
import { commandSpec, parseCommand, usageError } from './options.js';

const CHECK_CONFIG = commandSpec({
  name: 'sterilink check-config',
  usage: 'usage: sterilink check-config FILE [--offline]',
  details: `Checks a gateway config: every problem on its own line as \`path.to.field: expected …, found …\`.
Then checks this machine as the user running the command (run it as the gateway's user: sudo -u sterilink …):
the data folder can be written or created, each serial line exists and can be opened, each broker host name
resolves, the TLS files can be read.
  --offline       only the file (on another machine than the gateway's, or before the devices are connected)
Exit 0 ok, 2 problems found.`,
  options: { offline: { type: 'boolean' } },
  positionals: true,
});

export async function checkConfigCommand(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, CHECK_CONFIG, io.argv);
  if (!parsed) return 0;
  const [file, ...extra] = parsed.positionals;
  if (!file) throw usageError(CHECK_CONFIG, 'which config? give the file');
  if (extra.length) throw usageError(CHECK_CONFIG, `one FILE expected, found also "${extra[0]}"`);
  let loaded;
  try {
    loaded = loadConfigFile(file, { env: io.env, knownPrograms: knownProgramIds() });
  } catch (e) {
    if (e instanceof ConfigError) {
      println(io.stderr, e.message);
      return 2;
    }
    throw e;
  }
  const { config } = loaded;
  const summary = `site ${config.site}, gateway ${config.gateway}, ${config.devices.length} device${config.devices.length === 1 ? '' : 's'}, data in ${config.dataDir}`;
  if (parsed.values.offline) {
    println(io.stdout, `${file}: ok (${summary}); this machine not checked (--offline)`);
    return 0;
  }
  const { currentUser, probeDeployment } = await import('../preflight/deployment-probe.js');
  const problems = await probeDeployment(config);
  if (problems.length) {
    println(io.stderr, `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} on this machine (checked as ${currentUser()})`);
    for (const p of problems) println(io.stderr, `${p.path}: ${p.message}`);
    return 2;
  }
  println(io.stdout, `${file}: ok (${summary}); this machine checked as ${currentUser()}`);
  return 0;
}
