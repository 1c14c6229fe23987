// `sterilink db backup FILE [--data-dir DIR | --config FILE] [--json]`: an online copy of the store's database
// while the gateway runs (gateway/store/backup.ts); `sterilink db verify --db FILE` checks it.
import { backupDatabase, dbPath } from '../../gateway/store/index.js';
import { CommandFailed, type CommandIo, println } from './command.js';
import { commandSpec, parseCommand, usageError } from './options.js';
import { existingStore, STORE_HELP, STORE_OPTIONS } from './store-location.js';

export const DB_BACKUP_USAGE = 'usage: sterilink db backup FILE [--data-dir DIR | --config FILE] [--json]';

const BACKUP = commandSpec({
  name: 'sterilink db backup',
  usage: DB_BACKUP_USAGE,
  details: `Copies the database to FILE while the gateway runs (SQLite's online backup over a read-only
connection; one consistent snapshot, mode 0600, never overwrites FILE). The signing key is not in it:
copy keys/ beside it (sterilink-backup does both). Check the copy with \`sterilink db verify --db FILE\`.
${STORE_HELP}
  --json          the result as JSON`,
  options: { ...STORE_OPTIONS, json: { type: 'boolean' } },
  positionals: true,
});

export async function dbBackup(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, BACKUP, io.argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw usageError(BACKUP, 'expected one FILE to write');
  const dest = positionals[0] as string;
  const { dataDir } = existingStore(values, io.env);
  try {
    const r = await backupDatabase(dbPath(dataDir), dest);
    if (values.json) println(io.stdout, JSON.stringify(r));
    else
      println(
        io.stdout,
        `backup: ${r.file} (${r.bytes} bytes, ${r.records} records, last seq ${r.headSeq}); check it with: sterilink db verify --db ${r.file}`,
      );
    return 0;
  } catch (e) {
    throw new CommandFailed(`db backup: ${(e as Error).message}`);
  }
}
