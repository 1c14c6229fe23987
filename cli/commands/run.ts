// `sterilink run --config FILE`: the gateway. A bad config is refused before any device is touched.
import { ConfigError } from '../../config/config-error.js';
import { GatewayApp } from '../../gateway/app.js';
import { createLogger } from '../../gateway/logger.js';
import { ServiceNotifier, takeServiceEnvironment } from '../../gateway/system/service-notifier.js';
import { didYouMean } from '../../vocabulary/did-you-mean.js';
import { errorMessage } from '../../vocabulary/errors.js';
import { loadConfigIsolated } from '../load-config-isolated.js';
import { currentUser, probeDeployment } from '../preflight/deployment-probe.js';
import { type CommandIo, println } from './command.js';
import { commandSpec, parseCommand, usageError } from './options.js';
import { untilSignal } from './signals.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

const RUN = commandSpec({
  name: 'sterilink run',
  usage: 'usage: sterilink run --config FILE [--log-level trace|debug|info|warn|error]',
  details: `Runs the gateway until SIGTERM or Ctrl-C. Before it writes anything (store, signing key) it checks the config
and this machine as \`sterilink check-config\` does, and refuses to start on a problem.
  --config FILE   the gateway's config (config/examples/site.example.yaml)
  --log-level L   trace, debug, info (default; or STERILINK_LOG_LEVEL), warn, error
Environment: STERILINK_DATA_DIR, STERILINK_MQTT_URL, STERILINK_MQTT_PASSWORD, STERILINK_HTTP_TOKEN (docs/operations.md).`,
  options: { config: { type: 'string', short: 'c' }, 'log-level': { type: 'string' } },
});

export async function runCommand(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, RUN, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.config) throw usageError(RUN, 'which config? give --config FILE');
  const level = values['log-level'];
  if (level !== undefined && !LOG_LEVELS.includes(level))
    throw usageError(RUN, `--log-level: expected one of ${LOG_LEVELS.join(', ')}, found "${level}"${didYouMean(level, LOG_LEVELS)}`);
  let loaded;
  try {
    // checked in a child process: the gateway never loads the YAML parser and the schema library
    loaded = await loadConfigIsolated(values.config, io.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      println(io.stderr, `refusing to start: ${e.message}`);
      return 2;
    }
    throw e;
  }
  // What the machine must give the gateway, checked before anything is written (no store, no key on a refusal).
  const problems = await probeDeployment(loaded.config);
  const refused = problems.filter((p) => p.atRun === 'refuse');
  if (refused.length) {
    println(
      io.stderr,
      `refusing to start: ${values.config}: ${refused.length} problem${refused.length === 1 ? '' : 's'} on this machine (checked as ${currentUser()})`,
    );
    for (const p of refused) println(io.stderr, `${p.path}: ${p.message}`);
    return 2;
  }
  const logger = createLogger({ ...(values['log-level'] ? { level: values['log-level'] } : {}) });
  // a serial adapter not plugged in yet, a broker name DNS does not know yet: the gateway starts and retries them
  for (const p of problems) logger.warn({ configPath: p.path, problem: p.message }, 'deployment check failed; starting anyway, the gateway retries this');
  const app = new GatewayApp({
    config: loaded.config,
    logger,
    ...(loaded.mqttPassword ? { mqttPassword: loaded.mqttPassword } : {}),
    ...(loaded.httpToken ? { httpToken: loaded.httpToken } : {}),
  });
  // systemd (Type=notify): READY once running, watchdog pings while the event loop turns, STOPPING
  const service = new ServiceNotifier({ env: takeServiceEnvironment(io.env), logger });
  service.startWatchdog();
  const stopRequested = untilSignal();
  try {
    await app.start();
  } catch (e) {
    service.stopping(`failed to start: ${errorMessage(e)}`);
    await app.stop(); // release the store, the broker connection and the devices already started
    await service.close();
    throw e;
  }
  service.ready(`running: ${loaded.config.devices.length} device(s), site ${loaded.config.site}, gateway ${loaded.config.gateway}`);
  const signal = await stopRequested;
  logger.info({ signal }, 'stopping');
  service.stopping();
  await app.stop();
  await service.close();
  return 0;
}
