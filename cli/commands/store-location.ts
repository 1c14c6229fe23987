// Where the verbs that read the gateway's store (db, keys, report, loaner) find it: the same folder `run` uses.
// `run` takes the config's dataDir, which STERILINK_DATA_DIR overrides; here --data-dir overrides both.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfigFile } from '../../config/load-config.js';
import type { GatewayConfig } from '../../config/schema.js';
import { dbPath, openDatabase, schemaVersion } from '../../gateway/store/index.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import { CommandFailed } from './command.js';

/** The options every store verb takes. */
export const STORE_OPTIONS = {
  'data-dir': { type: 'string' },
  config: { type: 'string', short: 'c' },
} as const;

/** Their lines in `--help`. */
export const STORE_HELP = `  --data-dir DIR  the gateway's data folder (default: STERILINK_DATA_DIR, else the config's dataDir, else ./data)
  --config FILE   the gateway's config (its dataDir, programs, time zone and locale), as given to \`sterilink run\``;

export const DEFAULT_DATA_DIR = './data';

/**
 * The data folder: --data-dir, else STERILINK_DATA_DIR, else the config's dataDir, else ./data (relative to
 * the working directory), as an absolute path. The order `run` uses, with the command line first. Pure.
 */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv, configDataDir: string | undefined, cwd = process.cwd()): string {
  return path.resolve(cwd, flag || env.STERILINK_DATA_DIR || configDataDir || DEFAULT_DATA_DIR);
}

export interface StoreLocation {
  dataDir: string;
  /** The config given with --config, validated (null without it). */
  config: GatewayConfig | null;
}

/** Reads --config (when given) and resolves the data folder; a bad config is a CommandFailed listing its problems. */
export function storeLocation(values: { 'data-dir'?: string | undefined; config?: string | undefined }, env: NodeJS.ProcessEnv): StoreLocation {
  let config: GatewayConfig | null = null;
  if (values.config !== undefined) {
    try {
      config = loadConfigFile(values.config, { env, knownPrograms: knownProgramIds() }).config;
    } catch (e) {
      if (e instanceof ConfigError) throw new CommandFailed(e.message);
      throw e;
    }
  }
  // the loaded config already carries STERILINK_DATA_DIR when it is set (as for `run`)
  return { dataDir: resolveDataDir(values['data-dir'], env, config?.dataDir), config };
}

/** The location, when a SteriLink database is there; else a CommandFailed naming where it looked and why. */
export function existingStore(values: { 'data-dir'?: string | undefined; config?: string | undefined }, env: NodeJS.ProcessEnv, why = ''): StoreLocation {
  const location = storeLocation(values, env);
  const file = dbPath(location.dataDir);
  if (!fs.existsSync(file)) throw new CommandFailed(`no SteriLink database in ${location.dataDir} (expected ${file})${why}`);
  return location;
}

/**
 * The store opened read-only (the gateway may be running), once it has the tables a verb reads: a store of an
 * older version is a CommandFailed saying which migration is missing (the gateway adds it at its next start).
 */
export function openStoreReadOnly(dataDir: string, needsSchema: number, tables: string): ReturnType<typeof openDatabase> {
  const db = openDatabase(dataDir, { readonly: true });
  const version = schemaVersion(db);
  if (version < needsSchema) {
    db.close();
    throw new CommandFailed(
      `the store in ${dataDir} has schema version ${version}; start the gateway of this version once to add ${tables} (migration ${needsSchema})`,
    );
  }
  return db;
}
