// Where `db verify` and `db backup` find the store, as `report` does: --data-dir, else STERILINK_DATA_DIR,
// else the dataDir of --config FILE, else ./data.
import path from 'node:path';
import { ConfigError, loadConfigFile } from '../../config/load-config.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import { type CommandIo, println } from './command.js';

/** The data folder, or null after printing why the config could not be read. */
export function dbDataDir(io: CommandIo, values: { 'data-dir'?: string | undefined; config?: string | undefined }): string | null {
  let fromConfig: string | undefined;
  if (values.config !== undefined && values['data-dir'] === undefined) {
    try {
      fromConfig = loadConfigFile(values.config, { env: io.env, knownPrograms: knownProgramIds() }).config.dataDir;
    } catch (e) {
      if (e instanceof ConfigError) {
        println(io.stderr, e.message);
        return null;
      }
      throw e;
    }
  }
  return path.resolve(values['data-dir'] ?? (io.env.STERILINK_DATA_DIR || undefined) ?? fromConfig ?? './data');
}
