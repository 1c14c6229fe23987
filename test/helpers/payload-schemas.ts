// The MQTT contract as tests see it: which JSON Schema (docs/schemas/*.schema.json) a payload on a topic must
// satisfy, and an ajv 2020-12 validator for it, compiled the way the contract check compiles them (one shared
// Ajv, strict: false, ajv-formats, every file on its own). Any e2e test can call assertPayloadValid on what it
// received. No vitest imports, so scripts can use it too.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ROOT } from './cli.js';

export const SCHEMA_DIR = path.join(ROOT, 'docs/schemas');
export const TOPIC_PREFIX = 'sterilink/v1/';

// ajv-formats is CommonJS with `exports.default`; depending on the loader the default import is the plugin or
// the module object holding it.
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats: FormatsPlugin = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as unknown as FormatsPlugin;

/** A fresh Ajv configured exactly like the contract check (the shared acceptance suite's contract check). */
export function contractAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

/** Every `*.schema.json` in the repo outside node_modules and dot folders, as the contract check walks it. */
export function allSchemaFiles(root = ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.schema.json')) out.push(p);
    }
  };
  walk(root);
  return out;
}

let shared: Ajv2020 | null = null;
const validators = new Map<string, ValidateFunction>();

/** The compiled validator of docs/schemas/<file>; compiled once per process. */
export function validatorFor(file: string): ValidateFunction {
  let v = validators.get(file);
  if (!v) {
    shared ??= contractAjv();
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as object;
    v = shared.compile(schema);
    validators.set(file, v);
  }
  return v;
}

/**
 * The schema file (in docs/schemas) a payload on `topic` must satisfy, or null for a topic outside the contract.
 * Records of a type with its own bundle (record-<type>.schema.json) use it; other types the envelope.
 */
export function schemaForTopic(topic: string): string | null {
  if (!topic.startsWith(TOPIC_PREFIX)) return null;
  const levels = topic.slice(TOPIC_PREFIX.length).split('/');
  if (levels.length < 3) return null;
  const rest = levels.slice(2);
  const [a, b, c] = rest;
  if (rest.length === 1 && a === 'status') return 'status.schema.json';
  if (rest.length === 3 && a === 'device' && c === 'state') return 'device-state.schema.json';
  if (rest.length === 3 && a === 'device' && c === 'telemetry') return 'telemetry.schema.json';
  if (rest.length === 3 && a === 'loaner' && c === 'state') return 'loaner-state.schema.json';
  if (rest.length === 2 && a === 'records' && b) {
    const bundle = `record-${b}.schema.json`;
    return fs.existsSync(path.join(SCHEMA_DIR, bundle)) ? bundle : 'record.schema.json';
  }
  if (rest.length === 2 && a === 'cmd' && b === 'replay') return 'replay-request.schema.json';
  if (rest.length === 2 && a === 'reply' && b === 'replay') return 'replay-reply.schema.json';
  return null;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

export interface PayloadCheck {
  schema: string | null;
  errors: string[];
}

/** Validates a payload against the schema of its topic; for records also that `type` matches the topic. */
export function checkPayload(topic: string, json: unknown): PayloadCheck {
  const schema = schemaForTopic(topic);
  if (!schema) return { schema, errors: [`no schema for topic ${topic}`] };
  const v = validatorFor(schema);
  const errors = v(json) ? [] : describeErrors(v.errors);
  const m = /\/records\/([^/]+)$/.exec(topic);
  if (m && json && typeof json === 'object' && (json as { type?: unknown }).type !== m[1]) {
    errors.push(`record type ${JSON.stringify((json as { type?: unknown }).type)} published on the ${m[1]} topic`);
  }
  return { schema, errors };
}

/** Throws naming the topic, the schema and every violation when the payload does not satisfy its schema. */
export function assertPayloadValid(topic: string, json: unknown): void {
  const { schema, errors } = checkPayload(topic, json);
  if (errors.length) {
    const text = JSON.stringify(json);
    throw new Error(
      `payload on ${topic} violates ${schema ?? '(no schema)'}:\n  ${errors.slice(0, 10).join('\n  ')}\npayload: ${text.length > 600 ? `${text.slice(0, 600)}…` : text}`,
    );
  }
}
