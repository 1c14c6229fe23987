// A throwaway PKI made with openssl, for the tests against a TLS Mosquitto: CAs, and leaf certificates
// (server or client) each signed by one of them, in one folder Mosquitto can read after dropping root.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A leaf certificate: files `<name>.pem` and `.key`, its CN, the CA that signs it, one X.509 v3 extension line. */
export type LeafCert = Readonly<Record<'name' | 'cn' | 'ca' | 'ext', string>>;

/** The extension of a broker's certificate on this machine, and of a client's. */
export const SERVER_EXT = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
export const CLIENT_EXT = 'extendedKeyUsage=clientAuth';

/**
 * Writes into `dir` each CA (`<ca>.pem`, `<ca>.key`, CN = its name) and each leaf, valid two days. Keys are
 * RSA 2048, or EC P-256 with `key: 'ec'` (quicker to make). Everything is made world-readable.
 */
export function makePki(dir: string, o: { cas: readonly string[]; leaves: readonly LeafCert[]; key?: 'rsa' | 'ec' }): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const newKey = o.key === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  for (const ca of o.cas) openssl('req', '-x509', ...newKey, '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=${ca}`);
  for (const { name, cn, ca, ext } of o.leaves) {
    openssl('req', ...newKey, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), `${ext}\n`);
    const signed = ['-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial'];
    openssl('x509', '-req', '-in', `${name}.csr`, ...signed, '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  }
  // Mosquitto, started as root, drops to its own user before it reads some of these.
  fs.chmodSync(dir, 0o755);
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
}

/** Mosquitto config lines for a TLS listener on `port` that requires a client certificate of `ca` (files in `dir`). */
export function tlsListener(port: number, dir: string, ca = 'ca'): string[] {
  return [`listener ${port} 127.0.0.1`, `cafile ${dir}/${ca}.pem`, `certfile ${dir}/server.pem`, `keyfile ${dir}/server.key`, 'require_certificate true'];
}
