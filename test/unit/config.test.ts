import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigText } from '../../config/load-config.js';
import { knownProgramIds } from '../../gateway/verify/index.js';
import { configProblems } from '../helpers/config-problems.js';

const known = new Set(['steam-134-4', 'steam-121-20']);
const good = `
site: demo
gateway: gw1
dataDir: ./data
mqtt: { url: mqtt://127.0.0.1:1883 }
devices:
  - id: AC-01
    type: steam-sterilizer
    driver: printer-line
    serial: { path: /dev/ttyUSB0, baudRate: 9600 }
    program: steam-134-4
`;

const problems = (text: string, env: NodeJS.ProcessEnv = {}): string[] => configProblems(text, { env, knownPrograms: known });

describe('config', () => {
  it('accepts a valid file, fills defaults and resolves paths against the file', () => {
    const { config } = parseConfigText(good, '/etc/sterilink/gw.yaml', { env: {}, knownPrograms: known });
    expect(config.dataDir).toBe('/etc/sterilink/data');
    expect(config.devices[0]?.serial?.dataBits).toBe(8);
    expect(config.devices[0]?.atmosphericKpa).toBe(101.325);
    expect(config.mqtt.protocolVersion).toBe(5);
  });

  it('names every problem with its path, what was expected and what was found', () => {
    const bad = good
      .replace('baudRate: 9600', 'baudrate: 9600')
      .replace('type: steam-sterilizer', 'type: autoclave')
      .replace('program: steam-134-4', 'program: steam-999')
      .replace('site: demo', 'site: "demo site"');
    const p = problems(bad);
    expect(p).toContain('devices[0].serial.baudrate: unknown key (did you mean "baudRate"? see config/examples/site.example.yaml)');
    expect(p.find((x) => x.startsWith('devices[0].type:'))).toMatch(/expected one of "steam-sterilizer".*found "autoclave"/);
    expect(p.find((x) => x.startsWith('site:'))).toMatch(/found "demo site"/);
    // cross-field checks run only once the shape is right
    const only = problems(good.replace('program: steam-134-4', 'program: steam-999'));
    expect(only).toHaveLength(1);
    expect(only[0]).toMatch(/^devices\[0\]\.program: expected one of steam-134-4, steam-121-20, .*washer-a0-3000, found "steam-999"$/);
  });

  it('finds duplicate ids, two devices on one port and a driver without its line', () => {
    const dup = `${good}  - id: AC-01
    type: steam-sterilizer
    driver: printer-line
    serial: { path: /dev/ttyUSB0 }
  - id: AC-03
    type: steam-sterilizer
    driver: printer-line
`;
    const p = problems(dup);
    expect(p).toContain('devices[1].id: expected a unique device id, found "AC-01" again (also devices[0])');
    expect(p).toContain('devices[1]: expected its own line, found serial /dev/ttyUSB0 already used by devices[0]');
    expect(p).toContain('devices[2]: expected exactly one of serial or tcp for driver printer-line, found neither');
  });

  it('reports YAML syntax errors with a line and a column', () => {
    const p = problems('site: [unclosed\ngateway: x\n');
    expect(p[0]).toMatch(/^\(YAML line \d+, column \d+\):/);
  });

  it('points a YAML indentation error at the line and column indented wrong, once', () => {
    // `clientId` one space deeper than `url`: the library reports it at url's value on line 5
    const deeper = good.replace('mqtt: { url: mqtt://127.0.0.1:1883 }', 'mqtt:\n  url: mqtt://127.0.0.1:1883\n   clientId: gw1');
    expect(problems(deeper)).toEqual([
      '(YAML line 7, column 4): "clientId" is indented deeper than "url" on line 6 above it: indent it like the keys it belongs with',
    ]);
    // one space less than its siblings
    const shallower = good.replace('    driver: printer-line', '   driver: printer-line');
    expect(problems(shallower)).toEqual([
      "(YAML line 9, column 4): Sequence item without - indicator; check this line's indentation (3 spaces) against the lines above",
    ]);
    // a comment and a blank line between do not move it
    const commented = good.replace('mqtt: { url: mqtt://127.0.0.1:1883 }', 'mqtt:\n  url: mqtt://127.0.0.1:1883\n\n  # the id\n    clientId: gw1');
    expect(problems(commented)).toEqual([
      "(YAML line 9, column 5): All mapping items must start at the same column; check this line's indentation (4 spaces) against the lines above",
    ]);
  });

  it('suggests the key, the value or the program a typo was meant to be', () => {
    const p = problems(
      good
        .replace('dataDir: ./data', 'datadir: ./data')
        .replace('driver: printer-line', 'driver: printer_line')
        .replace('mqtt: { url: mqtt://127.0.0.1:1883 }', 'mqtt: { url: mqtt://127.0.0.1:1883, clientid: x, wndow: 3 }'),
    );
    expect(p).toContain('datadir: unknown key (did you mean "dataDir"? see config/examples/site.example.yaml)');
    expect(p).toContain('mqtt: unknown keys clientid, wndow (did you mean "clientId" for clientid, "window" for wndow? see config/examples/site.example.yaml)');
    expect(p.find((x) => x.startsWith('devices[0].driver:'))).toMatch(/found "printer_line" \(did you mean "printer-line"\?\)$/);
    expect(problems(good.replace('program: steam-134-4', 'program: steam-134-5'))[0]).toMatch(/found "steam-134-5" \(did you mean "steam-134-4"\?\)$/);
    // nothing close: no suggestion
    expect(problems(good.replace('dataDir: ./data', 'frobnicate: 1'))).toEqual([
      'frobnicate: unknown key (check the spelling; see config/examples/site.example.yaml)',
    ]);
  });

  it('takes the password from the environment and refuses to send it in plaintext off loopback', () => {
    const remote = good.replace('mqtt://127.0.0.1:1883', 'mqtt://broker.hospital:1883');
    expect(problems(remote, { STERILINK_MQTT_PASSWORD: 's3cret' })[0]).toMatch(/^mqtt.url: expected mqtts:\/\//);
    expect(
      problems(remote.replace('mqtt: { url: mqtt://broker.hospital:1883 }', 'mqtt: { url: mqtt://broker.hospital:1883, allowInsecure: true }'), {
        STERILINK_MQTT_PASSWORD: 's3cret',
      }),
    ).toEqual([]);
    const loaded = parseConfigText(good, '/x/gw.yaml', { env: { STERILINK_MQTT_PASSWORD: 's3cret' }, knownPrograms: known });
    expect(loaded.mqttPassword).toBe('s3cret');
    // the error text never carries the password
    expect(problems(remote, { STERILINK_MQTT_PASSWORD: 's3cret' }).join('\n')).not.toContain('s3cret');
  });

  it('reads the password file and says when it cannot', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-cfg-'));
    fs.writeFileSync(path.join(dir, 'pw'), 'from-file\n', { mode: 0o600 });
    const file = path.join(dir, 'gw.yaml');
    fs.writeFileSync(file, good.replace('mqtt: { url: mqtt://127.0.0.1:1883 }', 'mqtt: { url: mqtt://127.0.0.1:1883, passwordFile: pw }'));
    expect(loadConfigFile(file, { env: {}, knownPrograms: known }).mqttPassword).toBe('from-file');
    fs.rmSync(path.join(dir, 'pw'));
    expect(() => loadConfigFile(file, { env: {}, knownPrograms: known })).toThrow(/mqtt.passwordFile: expected a readable file, found ENOENT/);
  });

  it('lets the environment override the data directory and broker URL', () => {
    const { config } = parseConfigText(good, '/x/gw.yaml', {
      env: { STERILINK_DATA_DIR: '/tmp/d', STERILINK_MQTT_URL: 'mqtt://127.0.0.1:1999' },
      knownPrograms: known,
    });
    expect(config.dataDir).toBe('/tmp/d');
    const rel = parseConfigText(good, '/x/gw.yaml', { env: { STERILINK_DATA_DIR: 'here/data' }, knownPrograms: known });
    expect(rel.config.dataDir).toBe(path.resolve('here/data')); // the working directory, not /x
    expect(config.mqtt.url).toBe('mqtt://127.0.0.1:1999');
  });

  it('validates the shipped examples', () => {
    for (const f of ['demo.yaml', 'site.example.yaml']) {
      const file = new URL(`../../config/examples/${f}`, import.meta.url).pathname;
      // the example's passwordFile does not exist here; the environment variable takes precedence over it
      expect(() => loadConfigFile(file, { env: { STERILINK_MQTT_PASSWORD: 'x' }, knownPrograms: knownProgramIds() })).not.toThrow();
    }
  });
});

describe('config programs', () => {
  const withPrograms = (programs: string) => `${good}programs:\n${programs}`;
  it('accepts a site program based on a preset and lets devices use it', () => {
    const text = withPrograms('  - { id: site-134-5, base: steam-134-4, minHoldS: 300, requireProof: [data_complete] }\n').replace(
      'program: steam-134-4',
      'program: site-134-5',
    );
    expect(problems(text)).toEqual([]);
  });
  it('accepts the issue-8 program fields and reports bad values as path: expected …, found …', () => {
    expect(
      problems(
        withPrograms(
          `${[
            '  - { id: steam-134-4, pressureChannel: false, maxFluctuationK: 1.5 }',
            '  - { id: bowie-dick-134, maxHoldS: 270 }',
            '  - { id: leak-test, leakMaxStartKpa: 5, leakStabilizeMinS: 240 }',
            '  - { id: washer-a0-600, a0Min: 600, disinfectTempC: 80, disinfectMinS: 600 }',
          ].join('\n')}\n`,
        ),
      ),
    ).toEqual([]);
    expect(problems(withPrograms('  - { id: steam-134-4, pressureChannel: maybe }\n'))).toContain(
      'programs[0]: pressureChannel: expected true or false, found "maybe"',
    );
    expect(problems(withPrograms('  - { id: leak-test, leakMaxStartKpa: 0 }\n'))).toContain('programs[0]: leakMaxStartKpa: expected a number > 0, found 0');
    expect(problems(withPrograms('  - { id: bowie-dick-134, maxHoldS: 200 }\n'))).toContain(
      'programs[0]: maxHoldS: expected a number ≥ minHoldS (210), found 200',
    );
    expect(problems(withPrograms('  - { id: steam-134-4, maxFluctuationK: "1" }\n'))).toContain(
      'programs[0]: maxFluctuationK: expected a number > 0, found "1"',
    );
    expect(problems(withPrograms('  - { id: washer-a0-600, pressureChannel: false }\n'))[0]).toMatch(
      /^programs\[0\]: pressureChannel: not a setting of washer programs/,
    );
  });
  it('names a bad override with its program', () => {
    const p = problems(withPrograms('  - { id: steam-134-4, minHoldS: -5 }\n  - { id: mine, minHoldS: 300 }\n'));
    expect(p).toContain('programs[0]: minHoldS: expected a number ≥ 0, found -5');
  });
});

describe('config errors never echo credentials', () => {
  it('redacts user:password@ in a broker URL, valid or not', () => {
    const bad = good.replace('mqtt://127.0.0.1:1883', '"http://erp:hunter2@broker.hospital"');
    const remote = good.replace('mqtt://127.0.0.1:1883', 'mqtt://erp:hunter2@broker.hospital:1883');
    const all = [...problems(bad), ...problems(remote, { STERILINK_MQTT_PASSWORD: 'x' })].join('\n');
    expect(all).toMatch(/mqtt\.url/);
    expect(all).not.toContain('hunter2');
  });
});
