// RFC 8785 (JCS) canonical JSON: the exact bytes every hash in the store is computed over.
import canonicalize from 'canonicalize';
import { GatewayError } from '../../vocabulary/errors.js';

/** Canonical JSON text of `value`. Throws `store.canonical` for what JSON cannot carry exactly
 * (NaN, ±Infinity, lone surrogates, cycles, a top-level undefined). Object keys whose value is
 * undefined are omitted, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (e) {
    throw new GatewayError('store.canonical', `value cannot be canonicalized: ${(e as Error).message}`, {}, { cause: e });
  }
  if (text === undefined) throw new GatewayError('store.canonical', 'value cannot be canonicalized: undefined');
  return text;
}

/** Round-trips `value` through canonical JSON, so what is signed is exactly what a consumer parses
 * (Dates become strings, undefined keys vanish). */
export function toJsonValue<T>(value: T): T {
  return JSON.parse(canonicalJson(value)) as T;
}

/** Canonical JSON of an object given each member's canonical text: lets a large member (a record
 * body) be canonicalized once and reused. Keys are ordered as RFC 8785 orders them (UTF-16 units). */
export function canonicalFromMembers(members: Readonly<Record<string, string>>): string {
  const keys = Object.keys(members).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    out += `${i ? ',' : ''}${canonicalJson(k)}:${members[k] as string}`;
  }
  return `${out}}`;
}
