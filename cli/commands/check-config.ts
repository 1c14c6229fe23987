// `sterilink check-config FILE`: exit 0 when the file is valid, else 2 with one line per problem.
import { ConfigError, loadConfigFile } from '../../config/load-config.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import { type CommandIo, println, UsageError } from './command.js';

export async function checkConfigCommand(io: CommandIo): Promise<number> {
  const file = io.argv[0];
  if (!file || file.startsWith('-')) throw new UsageError('usage: sterilink check-config FILE');
  try {
    const { config } = loadConfigFile(file, { env: io.env, knownPrograms: knownProgramIds() });
    println(
      io.stdout,
      `${file}: ok (site ${config.site}, gateway ${config.gateway}, ${config.devices.length} device${config.devices.length === 1 ? '' : 's'}, data in ${config.dataDir})`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      println(io.stderr, e.message);
      return 2;
    }
    throw e;
  }
}
