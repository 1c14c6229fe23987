// `sterilink verify-record [FILE] [--key BASE64|PEM]… [--key-file FILE]… [--status FILE]… [--json]`: the
// consumer's check of records it received (docs/mqtt.md). Reads one record, a JSON array of records, or JSON lines
// (an MQTT dump, `db export`) from FILE or stdin, and checks each record's hash and Ed25519 signature, and for a
// stream, per gateway: chain continuity (prevHash of seq n+1 = hash of seq n), seq gaps and duplicates.
// Keys: given with --key/--key-file/--status, plus every key a trusted `audit` key-rotated record introduces.
// Without a key only hashes and the chain are checked, and the output says so.
// Exit 0 all good, 1 a problem found (each printed with its seq and why), 2 bad input.
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { keyIdOf, rawPublicKey } from '../../gateway/store/keys.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import {
  type ChainProblem,
  type ChainProblemKind,
  keysRetiredBy,
  RecordChainChecker,
  recordShapeProblem,
  type TrustedKey,
} from '../../gateway/store/record-chain-check.js';
import { toPublicKey } from '../../gateway/store/record-crypto.js';
import { type CommandIo, println } from './command.js';
import { commandSpec, parseCommand, usageError } from './options.js';

const USAGE =
  'usage: sterilink verify-record [FILE] [--key BASE64|PEM] [--key-file FILE] [--status FILE] [--json]\n' +
  '  FILE: one record, a JSON array of records, or JSON lines (stdin when absent or "-")\n' +
  '  --key, --key-file, --status: the gateway public key (repeatable); --status takes a saved status payload';

const VERIFY_RECORD = commandSpec({
  name: 'sterilink verify-record',
  usage: USAGE,
  options: {
    key: { type: 'string', multiple: true },
    'key-file': { type: 'string', multiple: true },
    status: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  positionals: true,
});

export class BadInput extends Error {}

export type { TrustedKey };

export interface Problem {
  /** The record's seq; for a gap, the first missing seq. */
  seq: number | null;
  id: string | null;
  kind: ChainProblemKind;
  /** `seq N: why` (`seq A..B: …` for a gap). */
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
  const problem = recordShapeProblem(item);
  if (problem !== null) throw new BadInput(`${where}: ${problem}`);
  return item as SignedRecord;
}

const withoutHistorical = (r: SignedRecord): Record<string, unknown> => {
  const { historical: _h, ...rest } = r as SignedRecord & { historical?: unknown };
  return rest;
};

/** Checks records (any order, duplicates allowed) with the keys given: identical copies are set aside,
 * then each gateway's records go in seq order through the chain checker `db verify` uses too. Pure
 * apart from the crypto. */
export function verifyRecords(input: readonly SignedRecord[], given: readonly TrustedKey[]): VerifyReport {
  const problems: Problem[] = [];
  const add = (p: ChainProblem) =>
    problems.push({
      seq: p.seq,
      id: p.id,
      kind: p.kind,
      message: `seq ${p.toSeq !== undefined && p.toSeq !== p.seq ? `${p.seq}..${p.toSeq}` : p.seq}: ${p.reason}`,
    });
  const signaturesChecked = given.length > 0;

  // Duplicates by id: identical copies are normal (at-least-once delivery, replays); the same id with
  // other content is not. The store cannot hold either (id is UNIQUE), so this is the consumer's step.
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
      add({ kind: 'duplicate', seq: r.seq, id: r.id, reason: `id ${r.id} appears twice with different content (seq ${seen.seq} and seq ${r.seq})` });
    }
  }

  const chains = new Map<string, SignedRecord[]>();
  for (const r of unique) {
    const k = `${r.site}/${r.gateway}`;
    (chains.get(k) ?? chains.set(k, []).get(k)!).push(r);
  }
  const keys = new Map<string, { keyId: string; source: string }>();
  const summaries: ChainSummary[] = [];
  for (const records of chains.values()) {
    records.sort((a, b) => a.seq - b.seq);
    const checker = new RecordChainChecker({ keys: given, checkSignatures: signaturesChecked, wholeChain: false, retiredAt: keysRetiredBy(records) });
    for (const r of records) checker.check(r).forEach(add);
    for (const k of checker.keys) if (!keys.has(k.keyId)) keys.set(k.keyId, { keyId: k.keyId, source: k.source });
    const first = records[0]!;
    const last = records[records.length - 1]!;
    summaries.push({ site: first.site, gateway: first.gateway, records: records.length, fromSeq: first.seq, toSeq: last.seq });
  }
  problems.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return { ok: problems.length === 0, records: unique.length, duplicates, signaturesChecked, keys: [...keys.values()], chains: summaries, problems };
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
    if (claimed !== undefined && claimed !== key.keyId)
      throw new BadInput(`--status ${f}: keyId ${String(claimed)} does not match its publicKey (${key.keyId})`);
    keys.push(key);
  }
  return keys;
}

function printText(io: CommandIo, report: VerifyReport, source: string): void {
  for (const p of report.problems) println(io.stdout, `PROBLEM ${p.message}`);
  for (const c of report.chains) {
    println(
      io.stdout,
      `${c.site}/${c.gateway}: ${c.records} record${c.records === 1 ? '' : 's'}, seq ${c.fromSeq}${c.toSeq !== c.fromSeq ? `..${c.toSeq}` : ''}`,
    );
  }
  if (report.duplicates) println(io.stdout, `${report.duplicates} identical duplicate${report.duplicates === 1 ? '' : 's'} ignored (same id, same content)`);
  if (report.signaturesChecked) println(io.stdout, `keys: ${report.keys.map((k) => `${k.keyId} (${k.source})`).join(', ')}`);
  else
    println(
      io.stdout,
      'signatures NOT checked: no key given (--status FILE with the gateway status payload, --key BASE64 or --key-file PEM); hashes and chain only',
    );
  const what = report.signaturesChecked ? 'hashes, signatures and chain' : 'hashes and chain';
  println(
    io.stdout,
    report.ok ? `ok: ${what} verified (${source})` : `FAILED: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} (${source})`,
  );
}

export async function verifyRecordCommand(io: CommandIo & { stdin?: NodeJS.ReadableStream }): Promise<number> {
  const parsed = parseCommand(io, VERIFY_RECORD, io.argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw usageError(VERIFY_RECORD, 'one FILE at most (or none: stdin)');
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
