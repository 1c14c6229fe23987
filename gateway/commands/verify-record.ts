// `sterilink verify-record [FILE] [--key BASE64|PEM]… [--key-file FILE]… [--status FILE]… [--json]`: the
// consumer's check of records it received (DESIGN §8). Reads one record, a JSON array of records, or JSON lines
// (an MQTT dump, `db export`) from FILE or stdin, and checks each record's hash and Ed25519 signature, and for a
// stream, per gateway: chain continuity (prevHash of seq n+1 = hash of seq n), seq gaps and duplicates.
// Keys: given with --key/--key-file/--status, plus every key a trusted `audit` key-rotated record introduces.
// Without a key only hashes and the chain are checked, and the output says so.
// Exit 0 all good, 1 a problem found (each printed with its seq and why), 2 bad input.
import { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { keyIdOf, rawPublicKey } from '../store/keys.js';
import { GENESIS_HASH, RECORD_SCHEMA, type SignedRecord } from '../store/record.js';
import { computeRecordHash, SIGNED_FIELDS, toPublicKey, verifyRecord } from '../store/record-crypto.js';
import { type CommandIo, println, UsageError } from './command.js';

const USAGE = 'usage: sterilink verify-record [FILE] [--key BASE64|PEM] [--key-file FILE] [--status FILE] [--json]\n'
  + '  FILE: one record, a JSON array of records, or JSON lines (stdin when absent or "-")\n'
  + '  --key, --key-file, --status: the gateway public key (repeatable); --status takes a saved status payload';

/** Top-level fields a record may carry outside the signature. */
const UNSIGNED_FIELDS: ReadonlySet<string> = new Set(['hash', 'sig', 'historical']);
const HEX64 = /^[0-9a-f]{64}$/;

export class BadInput extends Error {}

export interface TrustedKey {
  keyId: string;
  key: KeyObject;
  /** Where it came from: "--key", "--status FILE", "key-rotated record seq 4". */
  source: string;
}

export interface Problem {
  seq: number | null;
  id: string | null;
  /** hash | signature | key | fields | format | chain | gap | duplicate */
  kind: string;
  message: string;
}

export interface ChainSummary {
  site: string;
  gateway: string;
  records: number;
  fromSeq: number;
  toSeq: number;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  /** Identical copies of a record seen again (at-least-once delivery, replays): not a problem. */
  duplicates: number;
  signaturesChecked: boolean;
  keys: { keyId: string; source: string }[];
  chains: ChainSummary[];
  problems: Problem[];
}

/** A public key from base64 (raw 32 bytes) or SPKI PEM text; refuses private keys without echoing them. */
export function parsePublicKey(text: string, source: string): TrustedKey {
  const t = text.trim();
  if (/PRIVATE KEY/.test(t)) throw new BadInput(`${source}: this is a PRIVATE key; give the public key (gateway.pub, or publicKey from the status payload)`);
  let key: KeyObject;
  try {
    key = toPublicKey(t);
  } catch (e) {
    throw new BadInput(`${source}: not an Ed25519 public key (base64 of 32 bytes, or PEM): ${(e as Error).message}`);
  }
  let raw: Buffer;
  try {
    raw = rawPublicKey(key);
  } catch {
    throw new BadInput(`${source}: not an Ed25519 public key`);
  }
  return { keyId: keyIdOf(raw), key, source };
}

/** Records from text: a JSON array, one JSON object, or JSON lines. Throws BadInput naming the line. */
export function parseRecords(text: string, source: string): SignedRecord[] {
  const t = text.trim();
  if (!t) throw new BadInput(`${source}: empty input`);
  let items: unknown[];
  let where: (i: number) => string;
  let whole: unknown;
  let parsed = false;
  try {
    whole = JSON.parse(t);
    parsed = true;
  } catch {
    // not one JSON text: JSON lines
  }
  if (parsed) {
    items = Array.isArray(whole) ? whole : [whole];
    where = (i) => (Array.isArray(whole) ? `${source} item ${i + 1}` : source);
  } else {
    const lines = text.split(/\r?\n/);
    items = [];
    const lineNo: number[] = [];
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        items.push(JSON.parse(line));
        lineNo.push(i + 1);
      } catch {
        throw new BadInput(`${source} line ${i + 1}: not JSON (expected one record, a JSON array, or one record per line)`);
      }
    });
    where = (i) => `${source} line ${lineNo[i] ?? '?'}`;
  }
  return items.map((item, i) => checkShape(item, where(i)));
}

function checkShape(item: unknown, where: string): SignedRecord {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw new BadInput(`${where}: expected a record (a JSON object)`);
  const r = item as Record<string, unknown>;
  const missing = ['schema', 'id', 'seq', 'type', 'ts', 'site', 'gateway', 'body', 'prevHash', 'hash', 'sig', 'keyId'].filter((k) => r[k] === undefined);
  if (missing.length) throw new BadInput(`${where}: not a SteriLink record: missing ${missing.join(', ')}`);
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1) throw new BadInput(`${where}: seq must be an integer >= 1, found ${JSON.stringify(r.seq)}`);
  for (const k of ['id', 'site', 'gateway', 'prevHash', 'hash', 'sig', 'keyId'] as const) {
    if (typeof r[k] !== 'string') throw new BadInput(`${where}: ${k} must be a string`);
  }
  if (!r.body || typeof r.body !== 'object' || Array.isArray(r.body)) throw new BadInput(`${where}: body must be an object`);
  return r as unknown as SignedRecord;
}

const short = (h: unknown) => `${String(h).slice(0, 12)}…`;
const withoutHistorical = (r: SignedRecord): Record<string, unknown> => {
  const { historical: _h, ...rest } = r as SignedRecord & { historical?: unknown };
  return rest;
};

/** Checks records (any order, duplicates allowed) with the keys given; pure apart from the crypto. */
export function verifyRecords(input: readonly SignedRecord[], given: readonly TrustedKey[]): VerifyReport {
  const problems: Problem[] = [];
  const add = (r: SignedRecord | null, kind: string, message: string) => problems.push({ seq: r?.seq ?? null, id: r?.id ?? null, kind, message });
  const keys = new Map<string, TrustedKey>();
  for (const k of given) if (!keys.has(k.keyId)) keys.set(k.keyId, k);
  const signaturesChecked = keys.size > 0;

  // Duplicates by id: identical copies are normal; the same id with other content is not.
  const byId = new Map<string, SignedRecord>();
  const unique: SignedRecord[] = [];
  let duplicates = 0;
  for (const r of input) {
    const seen = byId.get(r.id);
    if (!seen) {
      byId.set(r.id, r);
      unique.push(r);
    } else if (isDeepStrictEqual(withoutHistorical(seen), withoutHistorical(r))) {
      duplicates++;
    } else {
      add(r, 'duplicate', `id ${r.id} appears twice with different content (seq ${seen.seq} and seq ${r.seq})`);
    }
  }

  // Per gateway, in seq order: a key rotation must be seen before the records signed with the new key.
  const chains = new Map<string, SignedRecord[]>();
  for (const r of unique) {
    const k = `${r.site}/${r.gateway}`;
    (chains.get(k) ?? chains.set(k, []).get(k)!).push(r);
  }
  // keyId -> seq of the key-rotated record that retired it, for a more useful message about an old key.
  const retired = new Map<string, number>();
  for (const r of unique) {
    const b = r.body as { event?: unknown; previousKeyId?: unknown };
    if (r.type === 'audit' && b.event === 'key-rotated' && typeof b.previousKeyId === 'string') retired.set(b.previousKeyId, r.seq);
  }
  const summaries: ChainSummary[] = [];
  for (const records of chains.values()) {
    records.sort((a, b) => a.seq - b.seq);
    let prev: SignedRecord | null = null;
    for (const r of records) {
      if (prev && prev.seq === r.seq) {
        add(r, 'duplicate', prev.hash === r.hash
          ? `seq ${r.seq}: two records with ids ${prev.id} and ${r.id}`
          : `seq ${r.seq}: two different records (hash ${short(prev.hash)} and ${short(r.hash)})`);
        continue;
      }
      checkOne(r, keys, signaturesChecked, retired, add);
      if (prev && r.seq === prev.seq + 1 && r.prevHash !== prev.hash) {
        add(r, 'chain', `seq ${r.seq}: prevHash ${short(r.prevHash)} is not the hash of seq ${prev.seq} (${short(prev.hash)}): chain broken`);
      }
      if (prev && r.seq > prev.seq + 1) {
        const from = prev.seq + 1;
        const to = r.seq - 1;
        add(r, 'gap', `seq ${from === to ? from : `${from}..${to}`} missing before seq ${r.seq} (gap of ${to - from + 1}); ask the gateway for a replay from seq ${from}`);
      }
      if (r.seq === 1 && r.prevHash !== GENESIS_HASH) add(r, 'chain', 'seq 1: prevHash must be 64 zeros');
      prev = r;
    }
    const first = records[0]!;
    const last = records[records.length - 1]!;
    summaries.push({ site: first.site, gateway: first.gateway, records: records.length, fromSeq: first.seq, toSeq: last.seq });
  }
  problems.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return {
    ok: problems.length === 0,
    records: unique.length,
    duplicates,
    signaturesChecked,
    keys: [...keys.values()].map((k) => ({ keyId: k.keyId, source: k.source })),
    chains: summaries,
    problems,
  };
}

function checkOne(
  r: SignedRecord, keys: Map<string, TrustedKey>, checkSig: boolean, retired: ReadonlyMap<string, number>,
  add: (r: SignedRecord, kind: string, message: string) => void,
): void {
  if (r.schema !== RECORD_SCHEMA) add(r, 'format', `seq ${r.seq}: record format ${JSON.stringify(r.schema)} is not ${RECORD_SCHEMA}; this version of verify-record cannot check it`);
  const extra = Object.keys(r).filter((k) => !(SIGNED_FIELDS as readonly string[]).includes(k) && !UNSIGNED_FIELDS.has(k));
  if (extra.length) add(r, 'fields', `seq ${r.seq}: ${extra.join(', ')} outside the signature (only historical may be added to a record)`);
  if (!HEX64.test(r.hash) || !HEX64.test(r.prevHash)) {
    add(r, 'hash', `seq ${r.seq}: hash and prevHash must be 64 lowercase hex characters`);
    return;
  }
  const key = checkSig ? keys.get(r.keyId) : undefined;
  if (!key) {
    let hash: string;
    try {
      hash = computeRecordHash(r);
    } catch (e) {
      add(r, 'hash', `seq ${r.seq}: cannot hash the record: ${(e as Error).message}`);
      return;
    }
    if (hash !== r.hash) add(r, 'hash', `seq ${r.seq}: hash mismatch: the content hashes to ${short(hash)}, the record says ${short(r.hash)} (changed after signing)`);
    if (checkSig) {
      const rotatedAt = retired.get(r.keyId);
      const hint = rotatedAt === undefined ? '' : `; it is the key the rotation at seq ${rotatedAt} retired: give it too (--key) to check these records`;
      add(r, 'key', `seq ${r.seq}: signed with key ${r.keyId}, which is not among the keys given (${[...keys.keys()].join(', ')}) and no trusted key-rotated record before it introduces it${hint}`);
    }
    return;
  }
  const check = verifyRecord(r, key.key);
  if (!check.ok) {
    add(r, check.reason.startsWith('hash') ? 'hash' : 'signature', `seq ${r.seq}: ${check.reason}`);
    return;
  }
  // A valid key-rotated audit record signed by a trusted key makes the new key trusted.
  const body = r.body as { event?: unknown; keyId?: unknown; publicKey?: unknown };
  if (r.type === 'audit' && body.event === 'key-rotated' && typeof body.publicKey === 'string') {
    try {
      const next = parsePublicKey(body.publicKey, `key-rotated record seq ${r.seq}`);
      if (next.keyId !== body.keyId) add(r, 'key', `seq ${r.seq}: key-rotated record names key ${String(body.keyId)} but its public key has id ${next.keyId}`);
      else if (!keys.has(next.keyId)) keys.set(next.keyId, next);
    } catch (e) {
      add(r, 'key', `seq ${r.seq}: key-rotated record carries no valid public key: ${(e as Error).message}`);
    }
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInput(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function keysFromArgs(values: { key?: string[]; 'key-file'?: string[]; status?: string[] }): TrustedKey[] {
  const keys: TrustedKey[] = [];
  for (const k of values.key ?? []) keys.push(parsePublicKey(k, '--key'));
  for (const f of values['key-file'] ?? []) keys.push(parsePublicKey(readText(f, 'key file'), `--key-file ${f}`));
  for (const f of values.status ?? []) {
    let status: unknown;
    try {
      status = JSON.parse(readText(f, 'status file'));
    } catch (e) {
      if (e instanceof BadInput) throw e;
      throw new BadInput(`--status ${f}: not JSON (expected the gateway's status payload)`);
    }
    const pk = (status as { publicKey?: unknown } | null)?.publicKey;
    if (typeof pk !== 'string') throw new BadInput(`--status ${f}: no publicKey (expected the payload of sterilink/v1/{site}/{gateway}/status)`);
    const key = parsePublicKey(pk, `--status ${f}`);
    const claimed = (status as { keyId?: unknown }).keyId;
    if (claimed !== undefined && claimed !== key.keyId) throw new BadInput(`--status ${f}: keyId ${String(claimed)} does not match its publicKey (${key.keyId})`);
    keys.push(key);
  }
  return keys;
}

function printText(io: CommandIo, report: VerifyReport, source: string): void {
  for (const p of report.problems) println(io.stdout, `PROBLEM ${p.message}`);
  for (const c of report.chains) {
    println(io.stdout, `${c.site}/${c.gateway}: ${c.records} record${c.records === 1 ? '' : 's'}, seq ${c.fromSeq}${c.toSeq !== c.fromSeq ? `..${c.toSeq}` : ''}`);
  }
  if (report.duplicates) println(io.stdout, `${report.duplicates} identical duplicate${report.duplicates === 1 ? '' : 's'} ignored (same id, same content)`);
  if (report.signaturesChecked) println(io.stdout, `keys: ${report.keys.map((k) => `${k.keyId} (${k.source})`).join(', ')}`);
  else println(io.stdout, 'signatures NOT checked: no key given (--status FILE with the gateway status payload, --key BASE64 or --key-file PEM); hashes and chain only');
  const what = report.signaturesChecked ? 'hashes, signatures and chain' : 'hashes and chain';
  println(io.stdout, report.ok ? `ok: ${what} verified (${source})` : `FAILED: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} (${source})`);
}

export async function verifyRecordCommand(io: CommandIo & { stdin?: NodeJS.ReadableStream }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: io.argv, allowPositionals: true, strict: true,
      options: {
        key: { type: 'string', multiple: true }, 'key-file': { type: 'string', multiple: true },
        status: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    println(io.stdout, USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(USAGE);
  const file = positionals[0];
  try {
    const keys = keysFromArgs(values);
    const fromStdin = file === undefined || file === '-';
    const text = fromStdin ? await readAll(io.stdin ?? process.stdin) : readText(file, 'file');
    const source = fromStdin ? 'stdin' : file;
    const report = verifyRecords(parseRecords(text, source), keys);
    if (values.json) println(io.stdout, JSON.stringify(report, null, 2));
    else printText(io, report, source);
    return report.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof BadInput) {
      println(io.stderr, `verify-record: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
