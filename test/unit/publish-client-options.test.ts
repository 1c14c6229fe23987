import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClientOptions, type ConnectionSettings } from '../../gateway/publish/client-options.js';
import { isGatewayError } from '../../vocabulary/errors.js';
import { redactUrl } from '../../vocabulary/redact-url.js';

const base: ConnectionSettings = { url: 'mqtt://127.0.0.1:1883', protocolVersion: 5 };
const code = (c: string) => (e: unknown) => isGatewayError(e, c);

describe('mqtt client options', () => {
  it('switches off mqtt.js recovery: we reconnect, the outbox queues', async () => {
    const o = await buildClientOptions(base, 'sterilink-s-g');
    expect(o).toMatchObject({
      clientId: 'sterilink-s-g',
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 0,
      queueQoSZero: false,
      resubscribe: false,
      writeCache: false,
    });
  });

  it('redacts credentials in URLs', () => {
    expect(redactUrl('mqtt://cssd:secret@broker:1883')).toBe('mqtt://***@broker:1883');
    expect(redactUrl('mqtt://broker:1883')).toBe('mqtt://broker:1883');
    expect(redactUrl('::nonsense')).toBe('<unparseable url>');
  });

  it.each([
    [{ url: 'not a url' }, 'mqtt.config'],
    [{ url: 'http://broker:80' }, 'mqtt.config'],
    [{ url: 'mqtt://broker:1883', tls: { ca: '/x/ca.pem' } }, 'mqtt.config'],
    [{ url: 'mqtts://broker:8883', tls: { cert: '/x/c.pem' } }, 'mqtt.config'],
    [{ url: 'mqtt://broker.hospital.local:1883', password: 'pw' }, 'mqtt.insecure'],
    [{ url: 'mqtt://u:pw@broker.hospital.local:1883' }, 'mqtt.insecure'],
    [{ url: 'mqtts://broker:8883', tls: { ca: '/does/not/exist.pem' } }, 'mqtt.config'],
  ])('refuses %j with %s', async (s, c) => {
    await expect(buildClientOptions({ ...base, ...s }, 'id')).rejects.toSatisfy(code(c));
  });

  it('allows a clear-text password to loopback, or anywhere with allowInsecure', async () => {
    await expect(buildClientOptions({ ...base, username: 'u', password: 'pw' }, 'id')).resolves.toMatchObject({ username: 'u', password: 'pw' });
    await expect(buildClientOptions({ ...base, url: 'mqtt://broker.hospital.local:1883', password: 'pw', allowInsecure: true }, 'id')).resolves.toBeTruthy();
  });

  it('reads TLS files at build time and verifies the broker unless allowInsecure', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sl-tls-'));
    for (const f of ['ca.pem', 'c.pem', 'c.key']) writeFileSync(path.join(dir, f), `-----${f}-----`);
    const tls = { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'c.pem'), key: path.join(dir, 'c.key') };
    const o = await buildClientOptions({ ...base, url: 'mqtts://broker:8883', tls }, 'id');
    expect(o.rejectUnauthorized).toBe(true);
    expect(String(o.ca)).toBe('-----ca.pem-----');
    expect(String(o.key)).toBe('-----c.key-----');
    const insecure = await buildClientOptions({ ...base, url: 'mqtts://broker:8883', allowInsecure: true }, 'id');
    expect(insecure.rejectUnauthorized).toBe(false);
  });
});
