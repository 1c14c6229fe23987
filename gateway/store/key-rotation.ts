// Key rotation chained into the record log: an `audit` record signed with the OLD key names the new
// key. The audit therefore trusts only the first record's key plus keys introduced this way, so a key
// slipped into the `keys` table cannot vouch for re-signed records.
import { GatewayError } from '../../vocabulary/errors.js';
import type { KeyRegistry } from './key-registry.js';
import { discardPendingKey, type GatewayKey, generateGatewayKey, promotePendingKey, readPendingKey, writePendingKey } from './keys.js';
import type { SignedRecord } from './record.js';
import type { RecordLog } from './record-log.js';

export const KEY_ROTATED = 'key-rotated';

export interface KeyRotationBody {
  event: typeof KEY_ROTATED;
  algorithm: 'Ed25519';
  previousKeyId: string;
  keyId: string;
  /** base64 of the raw 32-byte public key. */
  publicKey: string;
}

export function isKeyRotation(r: Pick<SignedRecord, 'type' | 'body'>): r is Pick<SignedRecord, 'type'> & { body: KeyRotationBody & Record<string, unknown> } {
  const b = r.body as Partial<KeyRotationBody> | undefined;
  return r.type === 'audit' && !!b && b.event === KEY_ROTATED && typeof b.keyId === 'string' && typeof b.publicKey === 'string';
}

export interface RotationContext {
  dataDir: string;
  records: RecordLog;
  registry: KeyRegistry;
  current: GatewayKey;
  now: () => number;
}

/** 1. the new private key is written beside the old (gateway.key.next); 2. one FULL transaction
 * appends the rotation record (old key) and registers the new key, retiring the old; 3. the new key
 * file replaces the old. A crash between steps is finished or undone by recoverPendingKey(). */
export function rotateStoreKey(ctx: RotationContext): { previousKeyId: string; key: GatewayKey; record: SignedRecord } {
  const key = generateGatewayKey();
  writePendingKey(ctx.dataDir, key);
  const at = new Date(ctx.now()).toISOString();
  const body: KeyRotationBody = {
    event: KEY_ROTATED,
    algorithm: 'Ed25519',
    previousKeyId: ctx.current.keyId,
    keyId: key.keyId,
    publicKey: key.publicKeyRaw.toString('base64'),
  };
  // FULL: the new key is registered on disk before its file replaces the old one
  const record = ctx.records.appendWith(
    { type: 'audit', body: { ...body } },
    () => {
      ctx.registry.register(key, at);
      ctx.registry.retire(ctx.current.keyId, at);
    },
    { sync: 'full' },
  );
  const promoted = promotePendingKey(ctx.dataDir);
  if (promoted.keyId !== key.keyId) throw new GatewayError('store.key', 'rotated key changed on disk during rotation', { keyId: key.keyId });
  ctx.records.useKey(key);
  return { previousKeyId: body.previousKeyId, key, record };
}

/** At start: a pending key whose rotation committed becomes current; otherwise it is dropped. */
export function recoverPendingKey(dataDir: string, registry: KeyRegistry): 'none' | 'promoted' | 'discarded' {
  const pending = readPendingKey(dataDir);
  if (!pending) return 'none';
  if (registry.get(pending.keyId)) {
    promotePendingKey(dataDir);
    return 'promoted';
  }
  discardPendingKey(dataDir);
  return 'discarded';
}
