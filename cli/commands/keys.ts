// `sterilink keys show|rotate [--data-dir DIR]`: the gateway's Ed25519 public key and key id.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { dbPath, META_GATEWAY, META_SITE, MetaTable, openDatabase, Store } from '../../gateway/store/index.js';
import { type CommandIo, println, UsageError } from './command.js';

export async function keysCommand(io: CommandIo): Promise<number> {
  const [sub, ...rest] = io.argv;
  const { values } = parseArgs({ args: rest, strict: true, options: { 'data-dir': { type: 'string', default: './data' }, json: { type: 'boolean' } } });
  if (sub !== 'show' && sub !== 'rotate') throw new UsageError('usage: sterilink keys show|rotate [--data-dir DIR] [--json]');
  const dataDir = values['data-dir'] as string;
  if (!fs.existsSync(dbPath(dataDir))) {
    println(io.stderr, `no SteriLink database in ${dataDir}: the key is made when the gateway first starts there`);
    return 2;
  }
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
