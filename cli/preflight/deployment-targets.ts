// What a deployment must have on the machine before the gateway writes anything (issue 12): the data folder,
// the serial lines, the broker's name in DNS, the TLS files. This file only lists them from a validated config
// (pure); deployment-probe.ts looks at each on this machine.
import { brokerUrls } from '../../config/broker-urls.js';
import type { GatewayConfig } from '../../config/schema.js';

/** What `run` does when a target fails: refuse to start, or start and log a warning (the gateway retries it). */
export type AtRun = 'refuse' | 'warn';

export type DeploymentTarget =
  /** The data folder: must exist and be writable, or be creatable. */
  | { kind: 'data-dir'; path: string; file: string; atRun: AtRun }
  /** A device's serial line or input device: must exist and be readable (and writable for a serial port). */
  | { kind: 'device-file'; path: string; file: string; write: boolean; atRun: AtRun }
  /** A file the gateway reads at start (TLS CA, certificate, key). */
  | { kind: 'readable-file'; path: string; file: string; what: string; atRun: AtRun }
  /** A broker's host name: must resolve. */
  | { kind: 'broker-host'; path: string; host: string; atRun: AtRun };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The host name of a broker URL that needs DNS, or null (an IP address, `embedded`, not a URL). */
export function brokerHostName(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return null;
  }
  if (!host || IPV4.test(host) || host.startsWith('[')) return null;
  return host;
}

/**
 * Every target of `config`, each with where it is in the config. A missing serial adapter or an unresolvable
 * broker only warns at `run` (the device link and the broker connection retry on their own); a data folder
 * or a TLS file that cannot be used refuses the start: they do not fix themselves.
 */
export function deploymentTargets(config: GatewayConfig): DeploymentTarget[] {
  const targets: DeploymentTarget[] = [{ kind: 'data-dir', path: 'dataDir', file: config.dataDir, atRun: 'refuse' }];
  config.devices.forEach((d, i) => {
    if (d.serial) targets.push({ kind: 'device-file', path: `devices[${i}].serial.path`, file: d.serial.path, write: true, atRun: 'warn' });
    if (d.modbus?.mode === 'rtu' && d.modbus.path)
      targets.push({ kind: 'device-file', path: `devices[${i}].modbus.path`, file: d.modbus.path, write: true, atRun: 'warn' });
    if (d.hid) targets.push({ kind: 'device-file', path: `devices[${i}].hid.path`, file: d.hid.path, write: false, atRun: 'warn' });
  });
  const tls = config.mqtt.tls;
  const files: [keyof NonNullable<typeof tls>, string][] = [
    ['ca', "the broker's CA certificate"],
    ['cert', 'the client certificate'],
    ['key', 'the client key'],
  ];
  for (const [key, what] of files) {
    const file = tls?.[key];
    if (file) targets.push({ kind: 'readable-file', path: `mqtt.tls.${key}`, file, what, atRun: 'refuse' });
  }
  const urls = brokerUrls(config.mqtt);
  urls.forEach((url, i) => {
    const host = brokerHostName(url);
    if (host) targets.push({ kind: 'broker-host', path: config.mqtt.urls ? `mqtt.urls[${i}]` : 'mqtt.url', host, atRun: 'warn' });
  });
  return targets;
}
