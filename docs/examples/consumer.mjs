#!/usr/bin/env node
// A small SteriLink consumer, as a hospital integrator would write one (docs/mqtt.md): it subscribes with a
// persistent session to every gateway's records and status, verifies each record (hash + Ed25519 signature,
// with nothing from SteriLink's own code), keeps it in SQLite exactly once (dedupe on id), follows each
// gateway's seq, and asks for a replay when it sees a hole.
//
//   npm i mqtt better-sqlite3          (Node 20+)
//   node consumer.mjs --url mqtt://broker:1883 --db records.db [--client-id ID] [--root sterilink/v1/+/+]
//   (broker password, if any, from SL_CONSUMER_PASSWORD with --username; over TLS: --url mqtts://broker:8883
//    --ca ca.pem [--cert consumer.pem --key consumer.key] for mutual TLS)
//
// Keys: the first time it sees a gateway it trusts the key the retained status announces (trust on first use;
// pin it out of band in production); after that only keys introduced by a key-rotated audit record signed with
// a trusted key. Records it cannot verify go to the `rejected` table, never to `records`.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
    db: { type: 'string', default: 'sterilink-records.db' },
    'client-id': { type: 'string', default: `sterilink-consumer-${hostname()}` },
    root: { type: 'string', default: 'sterilink/v1/+/+' },
    username: { type: 'string' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'gap-grace-ms': { type: 'string', default: '1000' },
    'retry-ms': { type: 'string', default: '15000' },
  },
});
const GAP_GRACE_MS = Number(opt['gap-grace-ms']);
const RETRY_MS = Number(opt['retry-ms']);
const log = (msg) => console.log(`${new Date().toISOString()} ${msg}`);

// ---- verification: hash = sha256(prevHash + RFC 8785 JSON of the signed fields), sig = Ed25519(hash bytes) ----
const SIGNED = ['schema', 'id', 'seq', 'type', 'ts', 'site', 'gateway', 'device', 'body', 'prevHash', 'keyId'];
// RFC 8785: keys sorted by UTF-16 code units, no whitespace; JSON.stringify already writes numbers and strings
// the way RFC 8785 asks (ECMAScript number formatting, minimal escapes).
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
function recordHash(r) {
  const fields = Object.fromEntries(SIGNED.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
  return createHash('sha256').update(String(r.prevHash)).update(canonical(fields)).digest('hex');
}
const keyIdOf = (rawB64) => createHash('sha256').update(Buffer.from(rawB64, 'base64')).digest('hex').slice(0, 16);
const publicKey = (rawB64) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(rawB64, 'base64').toString('base64url') }, format: 'jwk' });
/** null when the record is intact and signed by `keyB64`, else why not. */
function checkRecord(r, keyB64) {
  const extra = Object.keys(r).filter((k) => !SIGNED.includes(k) && !['hash', 'sig', 'historical'].includes(k));
  if (extra.length) return `fields outside the signature: ${extra.join(', ')}`;
  const hash = recordHash(r);
  if (hash !== r.hash) return 'hash mismatch (content changed)';
  try {
    if (!verify(null, Buffer.from(hash, 'hex'), publicKey(keyB64), Buffer.from(String(r.sig), 'base64'))) return 'signature invalid';
  } catch {
    return 'signature invalid';
  }
  return null;
}

// ---- storage ----
const db = new Database(opt.db);
db.pragma('journal_mode = WAL');
db.exec(`
  CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, site TEXT NOT NULL, gateway TEXT NOT NULL, seq INTEGER NOT NULL,
    type TEXT NOT NULL, device TEXT, ts TEXT NOT NULL, hash TEXT NOT NULL, prev_hash TEXT NOT NULL, key_id TEXT NOT NULL,
    json TEXT NOT NULL, via_replay INTEGER NOT NULL, received_at TEXT NOT NULL, UNIQUE (site, gateway, seq));
  CREATE TABLE IF NOT EXISTS keys (site TEXT, gateway TEXT, key_id TEXT, public_key TEXT NOT NULL, source TEXT NOT NULL,
    PRIMARY KEY (site, gateway, key_id));
  CREATE TABLE IF NOT EXISTS rejected (id TEXT, site TEXT, gateway TEXT, seq INTEGER, reason TEXT, json TEXT, received_at TEXT);`);
const q = {
  insert: db.prepare(
    `INSERT OR IGNORE INTO records VALUES (@id, @site, @gateway, @seq, @type, @device, @ts, @hash, @prevHash, @keyId, @json, @viaReplay, @at)`,
  ),
  byId: db.prepare('SELECT seq, hash FROM records WHERE id = ?'),
  bySeq: db.prepare('SELECT id, hash, prev_hash AS prevHash FROM records WHERE site = ? AND gateway = ? AND seq = ?'),
  nextAfter: db.prepare('SELECT min(seq) AS seq FROM records WHERE site = ? AND gateway = ? AND seq > ?'),
  seqs: db.prepare('SELECT seq FROM records WHERE site = ? AND gateway = ? ORDER BY seq'),
  keys: db.prepare('SELECT key_id AS keyId, public_key AS publicKey FROM keys WHERE site = ? AND gateway = ?'),
  addKey: db.prepare('INSERT OR IGNORE INTO keys VALUES (?, ?, ?, ?, ?)'),
  reject: db.prepare('INSERT INTO rejected VALUES (?, ?, ?, ?, ?, ?, ?)'),
};

/** Per gateway: trusted keys, the highest seq up to which every record is stored, pending records, replay state. */
const gateways = new Map();
function gw(site, gateway) {
  const k = `${site}/${gateway}`;
  let g = gateways.get(k);
  if (!g) {
    g = { site, gateway, keys: new Map(), contiguous: 0, pending: [], gapTimer: null, asked: null, n: 0 };
    for (const row of q.keys.all(site, gateway)) g.keys.set(row.keyId, row.publicKey);
    for (const { seq } of q.seqs.iterate(site, gateway))
      if (seq === g.contiguous + 1) g.contiguous = seq;
      else break;
    gateways.set(k, g);
  }
  return g;
}
function trust(g, keyId, pub, source) {
  if (g.keys.has(keyId)) return;
  g.keys.set(keyId, pub);
  q.addKey.run(g.site, g.gateway, keyId, pub, source);
  log(`trusting key ${keyId} of ${g.site}/${g.gateway} (${source})`);
  const waiting = g.pending.splice(0);
  for (const r of waiting) onRecord(r);
}

function onStatus(site, gateway, status) {
  const g = gw(site, gateway);
  if (typeof status?.publicKey !== 'string') return;
  const keyId = keyIdOf(status.publicKey);
  if (g.keys.size === 0) trust(g, keyId, status.publicKey, 'status, first use');
  else if (!g.keys.has(keyId)) log(`status of ${site}/${gateway} announces key ${keyId}, not introduced by a key-rotated record: not trusted yet`);
}

function onRecord(r) {
  const g = gw(r.site, r.gateway);
  const known = q.byId.get(r.id);
  if (known) {
    // At-least-once delivery and replays bring copies: same id, same content. Anything else is not a copy.
    if (known.hash === r.hash && recordHash(r) === r.hash) return log(`duplicate seq ${r.seq} (${r.type}) ignored`);
    return reject(r, `same id as stored seq ${known.seq} but different content`);
  }
  const key = g.keys.get(r.keyId);
  if (!key) {
    if (g.pending.length < 10_000) g.pending.push(r);
    return log(`seq ${r.seq} signed by key ${r.keyId}, not trusted (yet): held`);
  }
  const problem = checkRecord(r, key);
  if (problem) return reject(r, problem);
  const same = q.bySeq.get(r.site, r.gateway, r.seq);
  if (same) return reject(r, `seq ${r.seq} already stored as record ${same.id}`);
  const { historical, ...record } = r;
  q.insert.run({ ...record, device: r.device ?? null, json: JSON.stringify(record), viaReplay: historical ? 1 : 0, at: new Date().toISOString() });
  g.n++;
  log(`stored seq ${r.seq} ${r.type}${r.device ? ` ${r.device}` : ''} of ${r.site}/${r.gateway}${historical ? ' (replayed)' : ''}`);
  if (r.type === 'audit' && r.body?.event === 'key-rotated' && typeof r.body.publicKey === 'string' && keyIdOf(r.body.publicKey) === r.body.keyId) {
    trust(g, r.body.keyId, r.body.publicKey, `key-rotated record seq ${r.seq}`);
  }
  advance(g);
}

function reject(r, reason) {
  q.reject.run(r.id ?? null, r.site ?? null, r.gateway ?? null, r.seq ?? null, reason, JSON.stringify(r), new Date().toISOString());
  log(`REJECTED seq ${r.seq} of ${r.site}/${r.gateway}: ${reason}`);
}

/** Moves the contiguous mark over stored records, checking the chain; a hole behind a stored record is a gap. */
function advance(g) {
  for (;;) {
    const next = q.bySeq.get(g.site, g.gateway, g.contiguous + 1);
    if (!next) break;
    const prev = g.contiguous > 0 ? q.bySeq.get(g.site, g.gateway, g.contiguous) : null;
    if (prev && next.prevHash !== prev.hash)
      log(`CHAIN BROKEN at seq ${g.contiguous + 1} of ${g.site}/${g.gateway}: prevHash is not the hash of seq ${g.contiguous}`);
    g.contiguous++;
  }
  const after = q.nextAfter.get(g.site, g.gateway, g.contiguous).seq;
  if (after === null) {
    clearTimeout(g.gapTimer);
    g.gapTimer = null;
    if (g.asked) log(`gap of ${g.site}/${g.gateway} closed: every record up to seq ${g.contiguous} stored`);
    g.asked = null;
  } else if (!g.gapTimer) {
    // Give records that are merely out of order a moment before asking.
    g.gapTimer = setTimeout(() => askReplay(g), g.asked ? RETRY_MS : GAP_GRACE_MS);
  }
}

let txn = 0;
function askReplay(g) {
  g.gapTimer = null;
  const after = q.nextAfter.get(g.site, g.gateway, g.contiguous).seq;
  if (after === null) return;
  const request = { fromSeq: g.contiguous + 1, toSeq: after - 1, transaction: `${opt['client-id']}-${++txn}` };
  g.asked = request;
  log(`gap: seq ${request.fromSeq}..${request.toSeq} of ${g.site}/${g.gateway} missing; replay requested (${request.transaction})`);
  client.publish(`sterilink/v1/${g.site}/${g.gateway}/cmd/replay`, JSON.stringify(request), { qos: 1 });
  g.gapTimer = setTimeout(() => askReplay(g), RETRY_MS); // no reply, or the gap is still open: ask again
}

// ---- MQTT: persistent session, QoS 1 ----
const client = mqtt.connect(opt.url, {
  clientId: opt['client-id'],
  clean: false,
  protocolVersion: 5,
  properties: { sessionExpiryInterval: 7 * 24 * 3600 }, // the broker keeps our queue for a week offline
  reconnectPeriod: 1000,
  ...(opt.username ? { username: opt.username, password: process.env.SL_CONSUMER_PASSWORD } : {}),
  // TLS: the broker's certificate is always verified against --ca; --cert/--key authenticate us (mutual TLS)
  ...(opt.ca ? { ca: readFileSync(opt.ca), rejectUnauthorized: true } : {}),
  ...(opt.cert ? { cert: readFileSync(opt.cert) } : {}),
  ...(opt.key ? { key: readFileSync(opt.key) } : {}),
});
client.on('connect', (connack) => {
  log(`connected to ${opt.url.replace(/\/\/[^@/]*@/, '//')} (session ${connack.sessionPresent ? 'resumed' : 'new'})`);
  // A broker that lost our session (restarted without persistence) lost the subscriptions too.
  if (!connack.sessionPresent) {
    client.subscribe([`${opt.root}/status`, `${opt.root}/records/#`, `${opt.root}/reply/replay`], { qos: 1 }, (err) => {
      if (err) log(`subscribe failed: ${err.message}`);
      else log('subscribed');
    });
  }
});
client.on('error', (e) => log(`mqtt: ${e.message}`));
client.on('offline', () => log('mqtt offline; reconnecting'));
client.on('message', (topic, payload) => {
  const levels = topic.split('/');
  const [site, gateway] = [levels[2], levels[3]];
  let json;
  try {
    json = JSON.parse(payload.toString());
  } catch {
    return log(`ignored non-JSON payload on ${topic}`);
  }
  try {
    if (levels[4] === 'status') onStatus(site, gateway, json);
    else if (levels[4] === 'records') {
      if (json?.site !== site || json?.gateway !== gateway) return reject(json ?? {}, `published on ${topic} but names ${json?.site}/${json?.gateway}`);
      onRecord(json);
    } else if (levels[4] === 'reply') {
      const mine = String(json?.transaction ?? '').startsWith(`${opt['client-id']}-`);
      if (mine) log(`replay reply ${json.transaction}: ${json.ok ? `${json.count} records republished` : `refused: ${json.error}`}`);
    }
  } catch (e) {
    log(`error handling ${topic}: ${e.message}`);
  }
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const g of gateways.values()) clearTimeout(g.gapTimer);
    client.end(false, {}, () => {
      db.close();
      log('stopped');
      process.exit(0);
    });
  });
}
log(`consumer ${opt['client-id']} storing into ${opt.db}`);
