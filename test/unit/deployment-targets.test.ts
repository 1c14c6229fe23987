// What `check-config` and `run` look at on the machine, listed from a config (pure), and what `run` does when
// each fails: refuse (data folder, TLS files) or warn and retry (serial lines, the broker's DNS name).
import { describe, expect, it } from 'vitest';
import { brokerHostName, deploymentTargets } from '../../cli/preflight/deployment-targets.js';
import { parseConfigText } from '../../config/load-config.js';

const config = (text: string) => parseConfigText(text, '/etc/sterilink/site.yaml', { env: {} }).config;

describe('deploymentTargets', () => {
  it('lists the data folder, every device file, the TLS files and the broker hosts, each with its config path', () => {
    const c = config(`
site: s
gateway: g
dataDir: /var/lib/sterilink
mqtt:
  urls: [mqtts://mqtt-1.hospital.local:8883, mqtts://10.0.0.7:8883]
  tls: { ca: ca.pem, cert: gw.pem, key: gw.key }
devices:
  - { id: AC-01, type: steam-sterilizer, driver: printer-line, serial: { path: /dev/serial/by-id/usb-FTDI-port0 } }
  - { id: AC-02, type: steam-sterilizer, driver: printer-line, tcp: { host: 10.0.0.9, port: 4001 } }
  - { id: AC-03, type: steam-sterilizer, driver: modbus, modbus: { mode: rtu, path: /dev/ttyUSB1 } }
  - { id: SC-01, type: scanner, driver: hid, hid: { path: /dev/input/by-id/kbd-event-kbd } }
`);
    expect(deploymentTargets(c)).toEqual([
      { kind: 'data-dir', path: 'dataDir', file: '/var/lib/sterilink', atRun: 'refuse' },
      { kind: 'device-file', path: 'devices[0].serial.path', file: '/dev/serial/by-id/usb-FTDI-port0', write: true, atRun: 'warn' },
      { kind: 'device-file', path: 'devices[2].modbus.path', file: '/dev/ttyUSB1', write: true, atRun: 'warn' },
      { kind: 'device-file', path: 'devices[3].hid.path', file: '/dev/input/by-id/kbd-event-kbd', write: false, atRun: 'warn' },
      { kind: 'readable-file', path: 'mqtt.tls.ca', file: '/etc/sterilink/ca.pem', what: "the broker's CA certificate", atRun: 'refuse' },
      { kind: 'readable-file', path: 'mqtt.tls.cert', file: '/etc/sterilink/gw.pem', what: 'the client certificate', atRun: 'refuse' },
      { kind: 'readable-file', path: 'mqtt.tls.key', file: '/etc/sterilink/gw.key', what: 'the client key', atRun: 'refuse' },
      { kind: 'broker-host', path: 'mqtt.urls[0]', host: 'mqtt-1.hospital.local', atRun: 'warn' },
    ]);
  });

  it('an embedded broker and an IP address need no DNS', () => {
    expect(deploymentTargets(config('site: s\ngateway: g\nmqtt: { url: embedded }\n')).map((t) => t.kind)).toEqual(['data-dir']);
    expect(brokerHostName('embedded')).toBeNull();
    expect(brokerHostName('mqtt://127.0.0.1:1883')).toBeNull();
    expect(brokerHostName('mqtts://[::1]:8883')).toBeNull();
    expect(brokerHostName('mqtts://user:pw@broker.example:8883')).toBe('broker.example');
    expect(brokerHostName('ws://localhost:9001/mqtt')).toBe('localhost');
  });
});
