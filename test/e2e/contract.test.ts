// The integrator contract (docs/mqtt.md): docs/asyncapi.yaml parses with @asyncapi/parser and
// describes every topic with its QoS/retain; every docs/schemas/*.schema.json compiles the way the acceptance
// check compiles them (one shared Ajv 2020, strict: false, ajv-formats, file by file, in any order); the
// generated parts are in sync with the hand-written schemas; and every payload a real gateway publishes
// (simulated autoclave on a PTY, private Mosquitto, replay with and without errors, a key rotation, a restart)
// validates against the schema of its topic.
import fs from 'node:fs';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parsePublicKey, verifyRecords } from '../../cli/commands/verify-record.js';
import { ID_BASE, check as schemaDrift } from '../../docs/schemas/build.mjs';
import { type SignedRecord, Store } from '../../gateway/store/index.js';
import { ROOT, startCli } from '../helpers/cli.js';
import { useSerialAutoclaveRig } from '../helpers/gateway-rig.js';
import type { Received } from '../helpers/mosquitto.js';
import { allSchemaFiles, assertPayloadValid, checkPayload, contractAjv, SCHEMA_DIR, schemaForTopic, validatorFor } from '../helpers/payload-schemas.js';

const ASYNCAPI = path.join(ROOT, 'docs/asyncapi.yaml');
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
const schemaFiles = () =>
  fs
    .readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.schema.json'))
    .sort();

/** A JSON value without the keys @asyncapi/parser adds (x-parser-schema-id, …). */
function withoutParserKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutParserKeys);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !k.startsWith('x-parser-'))
      .map(([k, x]) => [k, withoutParserKeys(x)]),
  );
}

/** Deterministic shuffle (mulberry32), so an ordering problem reproduces. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('the contract documents', () => {
  it('docs/asyncapi.yaml parses from a string (as the acceptance check does) with no error or warning', async () => {
    const { diagnostics, document } = await new Parser().parse(fs.readFileSync(ASYNCAPI, 'utf8'));
    const problems = diagnostics
      .filter((d) => d.severity <= 1)
      .map((d) => `${d.severity === 0 ? 'error' : 'warning'} ${d.code}: ${d.message} at ${d.path.join('.')}`);
    expect(problems).toEqual([]);
    expect(document).toBeDefined();
    const doc = document!;
    expect(doc.version()).toBe('3.0.0');

    // every topic of docs/mqtt.md, with its QoS and retain flag on the gateway's operation
    const addresses = doc
      .channels()
      .all()
      .map((c) => c.address())
      .sort();
    expect(addresses).toEqual([
      'sterilink/v1/{site}/{gateway}/cmd/replay',
      'sterilink/v1/{site}/{gateway}/device/{device}/state',
      'sterilink/v1/{site}/{gateway}/device/{device}/telemetry',
      'sterilink/v1/{site}/{gateway}/loaner/{set}/state',
      'sterilink/v1/{site}/{gateway}/records/{type}',
      'sterilink/v1/{site}/{gateway}/reply/replay',
      'sterilink/v1/{site}/{gateway}/status',
    ]);
    const binding = (op: string) => doc.operations().get(op)?.bindings().get('mqtt')?.value() as { qos?: number; retain?: boolean } | undefined;
    expect(binding('publishStatus')).toMatchObject({ qos: 1, retain: true });
    expect(binding('publishDeviceState')).toMatchObject({ qos: 1, retain: true });
    expect(binding('publishTelemetry')).toMatchObject({ qos: 0, retain: false });
    expect(binding('publishLoanerState')).toMatchObject({ qos: 1, retain: true });
    expect(binding('publishRecords')).toMatchObject({ qos: 1, retain: false });
    expect(binding('publishReplayReply')).toMatchObject({ qos: 1, retain: false });
    expect(doc.operations().get('receiveReplayRequest')?.action()).toBe('receive');
    expect(doc.operations().get('receiveReplayRequest')?.reply()?.channel()?.address()).toBe('sterilink/v1/{site}/{gateway}/reply/replay');
    for (const server of doc.servers().all()) {
      const mqtt = server.bindings().get('mqtt')?.value() as { lastWill?: { topic: string; qos: number; retain: boolean } };
      expect(mqtt.lastWill).toMatchObject({ topic: 'sterilink/v1/{site}/{gateway}/status', qos: 1, retain: true });
    }
    expect(
      doc
        .servers()
        .get('mqtts')
        ?.security()
        .flatMap((s) => s.all().map((r) => r.scheme().type()))
        .sort(),
    ).toEqual(['X509', 'userPassword']);

    // each message's examples satisfy both the payload schema as AsyncAPI tools see it and the schema file
    const messages = doc.messages().all();
    expect(messages.length).toBeGreaterThanOrEqual(9);
    for (const m of messages) {
      const parsed = contractAjv().compile(withoutParserKeys(m.payload()?.json()) as object);
      const file = (m.payload()?.json() as { $id?: string } | undefined)?.$id?.replace(ID_BASE, '');
      expect(file, `message ${m.id()} payload has no $id`).toBeTruthy();
      const examples = m.examples().all();
      expect(examples.length, `message ${m.id()} has no example`).toBeGreaterThan(0);
      for (const ex of examples) {
        expect(parsed(ex.payload()), `${m.id()}/${ex.name()}: ${JSON.stringify(parsed.errors)}`).toBe(true);
        const v = validatorFor(file as string);
        expect(v(ex.payload()), `${m.id()}/${ex.name()} against ${file}: ${JSON.stringify(v.errors)}`).toBe(true);
      }
    }
  });

  it('the generated schemas (record-<type> bundles, asyncapi components) are in sync with the hand-written ones', () => {
    expect(schemaDrift()).toEqual([]);
  });

  it('every *.schema.json compiles alone and together in any order, like the acceptance check', () => {
    const files = allSchemaFiles();
    expect(files.length).toBeGreaterThanOrEqual(4);
    const schemas = files.map((f) => ({ f, s: readJson(f) as object }));
    for (const { f, s } of schemas) expect(() => contractAjv().compile(s), f).not.toThrow();
    const orders = [schemas, [...schemas].reverse(), ...[1, 2, 3, 4, 5].map((seed) => shuffled(schemas, seed))];
    for (const order of orders) {
      const ajv = contractAjv();
      for (const { f, s } of order) expect(() => ajv.compile(s), `${f} after ${order.map((x) => path.basename(x.f)).join(', ')}`).not.toThrow();
    }
    // and with everything added first, by $id
    const ajv = contractAjv();
    ajv.addSchema(schemas.map((x) => x.s));
    expect(ajv.getSchema(`${ID_BASE}record-cycle.schema.json`)).toBeTypeOf('function');
  });

  it('each schema file is draft 2020-12 with an $id named after the file, a title and a description', () => {
    for (const f of schemaFiles()) {
      const s = readJson(path.join(SCHEMA_DIR, f)) as Record<string, unknown>;
      expect(s.$schema, f).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.$id, f).toBe(`${ID_BASE}${f}`);
      expect(typeof s.title === 'string' && typeof s.description === 'string', f).toBe(true);
    }
    for (const type of ['cycle', 'alarm', 'audit']) expect(schemaFiles()).toContain(`record-${type}.schema.json`);
  });

  it('the example stream and status in docs/examples validate', () => {
    assertPayloadValid('sterilink/v1/st-marys/cssd-gw-01/status', readJson(path.join(ROOT, 'docs/examples/status.json')));
    const lines = fs.readFileSync(path.join(ROOT, 'docs/examples/records.jsonl'), 'utf8').trim().split('\n');
    for (const line of lines) {
      const r = JSON.parse(line) as SignedRecord;
      assertPayloadValid(`sterilink/v1/${r.site}/${r.gateway}/records/${r.type}`, r);
    }
  });

  it('the schemas refuse what a consumer must not accept', () => {
    const rec = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/examples/records.jsonl'), 'utf8').split('\n')[0] as string) as SignedRecord &
      Record<string, unknown>;
    const topic = 'sterilink/v1/st-marys/cssd-gw-01/records/cycle';
    const bad = (x: unknown, t = topic) => checkPayload(t, x).errors.length > 0;
    expect(bad(rec)).toBe(false);
    expect(bad({ ...rec, historical: true })).toBe(false);
    expect(bad({ ...rec, historical: false })).toBe(true);
    expect(bad({ ...rec, note: 'unsigned extra' })).toBe(true);
    expect(bad({ ...rec, hash: 'ABC' })).toBe(true);
    expect(bad({ ...rec, prevHash: 'ab'.repeat(32) })).toBe(true); // seq 1 starts the chain at 64 zeros
    expect(bad({ ...rec, schema: 'sterilink.record/2' })).toBe(true);
    expect(bad({ ...rec, body: { ...(rec.body as object), criteria: [{ id: 'f0', pass: true, measured: 1, limit: 1, unit: '', detail: '' }] } })).toBe(true);
    expect(bad({ ...rec, body: { ...(rec.body as object), verdict: 'maybe' } })).toBe(true);
    expect(bad(rec, 'sterilink/v1/st-marys/cssd-gw-01/records/alarm')).toBe(true);
    // every record type of the envelope has its bundle; a type without one would still get the envelope checked
    for (const type of (readJson(path.join(SCHEMA_DIR, 'record.schema.json')) as { properties: { type: { enum: string[] } } }).properties.type.enum) {
      expect(schemaForTopic(`sterilink/v1/s/g/records/${type}`)).toBe(`record-${type}.schema.json`);
    }
    expect(schemaForTopic('sterilink/v1/s/g/records/future')).toBe('record.schema.json');
    expect(bad({ ...rec, type: 'release' }, 'sterilink/v1/s/g/records/release')).toBe(true); // a cycle body is no release body
    expect(bad({ fromSeq: -1 }, 'sterilink/v1/s/g/cmd/replay')).toBe(true);
    expect(bad({ ok: true, fromSeq: 1, toSeq: 9, count: 9, lastSeq: 9, limit: 10, truncated: true }, 'sterilink/v1/s/g/reply/replay')).toBe(true);
    expect(bad({ temp_c: 1, phase: null, cycleNo: null }, 'sterilink/v1/s/g/device/AC-01/telemetry')).toBe(true);
    expect(schemaForTopic('sterilink/v1/s/g/unknown')).toBeNull();
  });
});

describe('every payload a running gateway publishes validates against its schema', () => {
  const ROOT_TOPIC = 'sterilink/v1/ct/gw1';
  const ac = useSerialAutoclaveRig('ct', 'ct');

  const records = (pred: (r: SignedRecord & { historical?: true }) => boolean = () => true) =>
    ac.rig.sub
      .filter((m) => m.topic.startsWith(`${ROOT_TOPIC}/records/`))
      .map((m) => m.json as SignedRecord & { historical?: true })
      .filter(pred);
  const reply = (transaction: string) =>
    ac.rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/reply/replay` && (m.json as { transaction?: unknown }).transaction === transaction, 20_000);

  it('cycles, an alarm, replays (good and bad), a key rotation and a restart', async () => {
    // a passing cycle, then one that aborts with an alarm
    for (const fault of [[], ['--fault', 'abort']]) {
      const sim = startCli(['simulate', 'autoclave', '--serial', ac.pty.dev, '--program', 'steam-134-4', '--speed', '300', '--cycles', '1', ...fault]);
      expect(await sim.exited).toBe(0);
    }
    await ac.rig.sub.waitFor(() => records((r) => r.type === 'cycle').length >= 2, 30_000);
    expect(records((r) => r.type === 'alarm' && (r.body as { code?: string }).code === 'E23')).toHaveLength(1);

    // replay with a transaction: the history comes again, marked historical, then the reply
    const n = Math.max(...records().map((r) => r.seq));
    ac.rig.sub.client.publish(`${ROOT_TOPIC}/cmd/replay`, JSON.stringify({ fromSeq: 1, transaction: 'ct-1' }), { qos: 1 });
    const done = await reply('ct-1');
    expect(done.json).toMatchObject({ ok: true, fromSeq: 1, count: n, lastSeq: n, truncated: false });
    const replayed = records((r) => r.historical === true);
    expect(replayed.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // the replay keeps every original field, timestamps included
    for (const r of replayed) expect({ ...r, historical: undefined }).toEqual({ ...records((x) => x.id === r.id && !x.historical)[0], historical: undefined });

    // bad requests: refused with the reason, the transaction echoed
    ac.rig.sub.client.publish(`${ROOT_TOPIC}/cmd/replay`, JSON.stringify({ fromSeq: 'x', transaction: 'ct-bad' }), { qos: 1 });
    expect((await reply('ct-bad')).json).toMatchObject({ ok: false, error: expect.stringMatching(/fromSeq/) });
    ac.rig.sub.client.publish(`${ROOT_TOPIC}/cmd/replay`, JSON.stringify({ fromSeq: 5, toSeq: 2, transaction: 7 }), { qos: 1 });
    await ac.rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/reply/replay` && (m.json as { transaction?: unknown }).transaction === 7, 20_000);

    // stop (status offline), rotate the key as the store does it, start again: audit record, new status
    expect(await ac.rig.gw.kill('SIGTERM')).toBe(0);
    await ac.rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/status` && (m.json as { online?: boolean }).online === false);
    const store = new Store({ dataDir: ac.rig.dataDir, site: 'ct', gateway: 'gw1', logger: pino({ level: 'silent' }) });
    store.start();
    const rotated = store.rotateKey();
    store.close();
    await ac.rig.restart();
    await ac.rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/records/audit`, 20_000);
    await ac.rig.sub.waitFor(
      (m) =>
        m.topic === `${ROOT_TOPIC}/status` &&
        (m.json as { keyId?: string; online?: boolean }).online === true &&
        (m.json as { keyId?: string }).keyId === rotated.keyId,
    );
    const sim = startCli(['simulate', 'autoclave', '--serial', ac.pty.dev, '--program', 'steam-121-20', '--speed', '300', '--cycles', '1', '--fault', 'air']);
    expect(await sim.exited).toBe(0);
    await ac.rig.sub.waitFor(() => records((r) => r.type === 'cycle' && !r.historical).length >= 3, 30_000);
    expect(await ac.rig.gw.kill('SIGTERM')).toBe(0);
    await ac.rig.sub.waitFor(
      (m) => m.topic === `${ROOT_TOPIC}/status` && (m.json as { online?: boolean }).online === false && (m.json as { keyId?: string }).keyId === rotated.keyId,
    );

    // EVERY payload received validates against the schema of its topic (the bad commands we sent are not payloads)
    const ours = (m: Received) => m.topic.endsWith('/cmd/replay') && JSON.stringify(m.json).match(/"ct-bad"|"transaction":7/);
    const seen = new Map<string, number>();
    for (const m of ac.rig.sub.messages) {
      if (ours(m)) {
        // {fromSeq: "x"} breaks the schema; toSeq < fromSeq is a rule JSON Schema cannot state (the gateway refuses it)
        if (JSON.stringify(m.json).includes('ct-bad')) expect(checkPayload(m.topic, m.json).errors.length, m.payload.toString()).toBeGreaterThan(0);
        continue;
      }
      assertPayloadValid(m.topic, m.json);
      const kind = m.topic.slice(ROOT_TOPIC.length + 1).replace(/^device\/[^/]+\//, 'device/');
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    }
    for (const kind of ['cmd/replay', 'device/state', 'device/telemetry', 'records/alarm', 'records/audit', 'records/cycle', 'reply/replay', 'status']) {
      expect(seen.get(kind), `no payload on ${kind}`).toBeGreaterThan(0);
    }
    expect(
      ac.rig.sub
        .filter((m) => m.topic.endsWith('/reply/replay'))
        .map((m) => (m.json as { ok: boolean }).ok)
        .sort(),
    ).toEqual([false, false, true]);

    // and what validates also verifies: hash, signature (key from the first status, then the rotation), chain
    const firstStatus = ac.rig.sub.messages.find((m) => m.topic === `${ROOT_TOPIC}/status`)?.json as { publicKey: string };
    const report = verifyRecords(records(), [parsePublicKey(firstStatus.publicKey, 'status')]);
    expect(report.problems).toEqual([]);
    const total = new Set(records().map((r) => r.id)).size;
    expect(total).toBeGreaterThanOrEqual(n + 2);
    expect(report).toMatchObject({ ok: true, records: total, duplicates: n, chains: [{ fromSeq: 1, toSeq: total }] });
  }, 150_000);
});
