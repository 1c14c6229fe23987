// `sterilink keys show|rotate [--data-dir DIR | --config FILE]`: the gateway's Ed25519 public key and key id.
import pino from 'pino';
import { META_GATEWAY, META_SITE, MetaTable, openDatabase, Store } from '../../gateway/store/index.js';
import { type CommandIo, println } from './command.js';
import { commandSpec, parseCommand } from './options.js';
import { existingStore, STORE_HELP, STORE_OPTIONS } from './store-location.js';
import { runSubcommand } from './subcommands.js';

const USAGE = 'usage: sterilink keys show|rotate [--data-dir DIR | --config FILE] [--json]';

const KEYS = commandSpec({
  name: 'sterilink keys',
  usage: USAGE,
  details: `  show     the gateway's Ed25519 public key and key id (give it to the systems that verify its records)
  rotate   make a new signing key; announced in an audit record signed by the old one (restart the gateway after)
${STORE_HELP}
  --json          the key as JSON`,
  options: { ...STORE_OPTIONS, json: { type: 'boolean' } },
});

export function keysCommand(io: CommandIo): Promise<number> {
  return runSubcommand(io, { ...KEYS, subcommands: { show: async () => (sub) => keys(sub, 'show'), rotate: async () => (sub) => keys(sub, 'rotate') } });
}

async function keys(io: CommandIo, sub: 'show' | 'rotate'): Promise<number> {
  const parsed = parseCommand(io, { ...KEYS, name: `sterilink keys ${sub}` }, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const { dataDir } = existingStore(values, io.env, ': the key is made when the gateway first starts there');
  // The store's own site and gateway: a rotation's audit record must name the gateway that publishes it.
  const meta = readMeta(dataDir);
  const store = new Store({ dataDir, site: meta.site, gateway: meta.gateway, logger: pino({ level: 'silent' }) });
  store.start();
  try {
    if (sub === 'rotate') {
      const r = store.rotateKey();
      println(
        io.stdout,
        `rotated: ${r.previousKeyId} -> ${r.keyId} (recorded as audit record seq ${r.record.seq}; old records keep verifying with the retired key)`,
      );
    }
    const k = store.publicKeyInfo();
    if (values.json)
      println(io.stdout, JSON.stringify({ algorithm: k.algorithm, keyId: k.keyId, publicKey: k.publicKey, publicKeyPem: k.publicKeyPem }, null, 2));
    else println(io.stdout, `algorithm ${k.algorithm}\nkeyId     ${k.keyId}\npublicKey ${k.publicKey} (base64, raw 32 bytes)\n${k.publicKeyPem.trim()}`);
    return 0;
  } finally {
    store.close();
  }
}

function readMeta(dataDir: string): { site: string; gateway: string } {
  const db = openDatabase(dataDir, { readonly: true });
  try {
    const meta = new MetaTable(db);
    const site = meta.get(META_SITE);
    const gateway = meta.get(META_GATEWAY);
    if (!site || !gateway) throw new Error(`the store in ${dataDir} does not record its site and gateway`);
    return { site, gateway };
  } finally {
    db.close();
  }
}
