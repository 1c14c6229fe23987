// `sterilink db backup FILE [--data-dir DIR] [--json]`: an online copy of the store's database while
// the gateway runs (gateway/store/backup.ts); `sterilink db verify --db FILE` checks it.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { backupDatabase, dbPath } from '../../gateway/store/index.js';
import { type CommandIo, println, UsageError } from './command.js';

export const DB_BACKUP_USAGE = 'usage: sterilink db backup FILE [--data-dir DIR] [--json]';

export async function dbBackupCommand(io: CommandIo, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    println(io.stdout, DB_BACKUP_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(DB_BACKUP_USAGE);
  const dest = positionals[0] as string;
  const dataDir = values['data-dir'] ?? io.env.STERILINK_DATA_DIR ?? './data';
  const source = dbPath(dataDir);
  if (!fs.existsSync(source)) {
    println(io.stderr, `no SteriLink database in ${dataDir} (expected ${source})`);
    return 2;
  }
  try {
    const r = await backupDatabase(source, dest);
    if (values.json) println(io.stdout, JSON.stringify(r));
    else
      println(
        io.stdout,
        `backup: ${r.file} (${r.bytes} bytes, ${r.records} records, last seq ${r.headSeq}); check it with: sterilink db verify --db ${r.file}`,
      );
    return 0;
  } catch (e) {
    println(io.stderr, `db backup: ${(e as Error).message}`);
    return 2;
  }
}
