// `sterilink run --config FILE`: the gateway. A bad config is refused before any device is touched.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../../config/load-config.js';
import { GatewayApp } from '../../gateway/app.js';
import { createLogger } from '../../gateway/logger.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import { type CommandIo, println, UsageError } from './command.js';
import { untilSignal } from './signals.js';

export async function runCommand(io: CommandIo): Promise<number> {
  const { values } = parseArgs({ args: io.argv, options: { config: { type: 'string', short: 'c' }, 'log-level': { type: 'string' } }, strict: true });
  if (!values.config) throw new UsageError('usage: sterilink run --config FILE [--log-level debug|info|warn|error]');
  let loaded;
  try {
    loaded = loadConfigFile(values.config, { env: io.env, knownPrograms: knownProgramIds() });
  } catch (e) {
    if (e instanceof ConfigError) {
      println(io.stderr, `refusing to start: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const logger = createLogger({ ...(values['log-level'] ? { level: values['log-level'] } : {}) });
  const app = new GatewayApp({
    config: loaded.config, logger,
    ...(loaded.mqttPassword ? { mqttPassword: loaded.mqttPassword } : {}), ...(loaded.httpToken ? { httpToken: loaded.httpToken } : {}),
  });
  const stopRequested = untilSignal();
  try {
    await app.start();
  } catch (e) {
    await app.stop(); // release the store, the broker connection and the devices already started
    throw e;
  }
  const signal = await stopRequested;
  logger.info({ signal }, 'stopping');
  await app.stop();
  return 0;
}
