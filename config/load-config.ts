// Reads the YAML file, applies environment overrides, validates with the schema and the cross-field
// rules, and reports every problem at once. Relative paths in the file are relative to the file.
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { validateRegisterMap } from '../drivers/modbus/register-map.js';
import { isProfileName, loadPrinterProfile } from '../drivers/printer-line/index.js';
import { loadPolicyFrom } from '../gateway/load/load-policy.js';
import { ProgramError, type ProgramOverride, resolvePrograms } from '../gateway/verify/index.js';
import { didYouMean } from '../vocabulary/did-you-mean.js';
import { redactUrl } from '../vocabulary/redact-url.js';
import { ConfigError } from './config-error.js';
import { type ConfigProblem, problemFromIssue } from './config-problem.js';
import { httpSecretsFrom } from './http-config.js';
import { brokerUrls, configSchema, type GatewayConfig } from './schema.js';
import { yamlProblems } from './yaml-problem.js';

export { ConfigError } from './config-error.js';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Program ids the gateway knows (presets); a device naming another one is a problem. */
  knownPrograms?: ReadonlySet<string>;
}

/** The validated config plus what came from outside the file (never logged). */
export interface LoadedConfig {
  config: GatewayConfig;
  file: string;
  mqttPassword?: string;
  /** The web page's bearer token (STERILINK_HTTP_TOKEN or http.auth.tokenFile). */
  httpToken?: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d+){3}|\[?::1\]?)$/;

export function loadConfigFile(file: string, opts: LoadOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [{ path: '(file)', message: `cannot read: ${(e as Error).message}` }]);
  }
  return parseConfigText(text, file, opts);
}

export function parseConfigText(text: string, file: string, opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    throw new ConfigError(file, yamlProblems(doc.errors, text));
  }
  const raw: unknown = doc.toJS() ?? {};
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) applyEnvOverrides(raw as Record<string, unknown>, env);
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success)
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => problemFromIssue(issue, configSchema)),
    );
  const config = resolvePaths(parsed.data, path.dirname(path.resolve(file)));
  const programProblemsFound: ConfigProblem[] = [];
  let known = opts.knownPrograms;
  try {
    const programs = resolvePrograms(config.programs as ProgramOverride[]);
    known = known ? new Set([...known, ...Object.keys(programs)]) : undefined;
  } catch (e) {
    if (!(e instanceof ProgramError)) throw e;
    const at = config.programs.findIndex((p) => e.message.startsWith(`program ${p.id}:`));
    for (const p of e.problems) programProblemsFound.push({ path: at >= 0 ? `programs[${at}]` : 'programs', message: p });
    known = known ? new Set([...known, ...config.programs.map((p) => p.id)]) : undefined;
  }
  const problems = [...programProblemsFound, ...crossFieldProblems(config, known)];
  config.devices.forEach((d, i) => {
    if (d.modbus?.map === undefined) return;
    for (const p of validateRegisterMap(d.modbus.map)) {
      const j = p.indexOf(': ');
      problems.push(j > 0 ? { path: `devices[${i}].modbus.map.${p.slice(0, j)}`, message: p.slice(j + 2) } : { path: `devices[${i}].modbus.map`, message: p });
    }
  });
  config.devices.forEach((d, i) => {
    if (d.driver !== 'printer-line' || d.profile === undefined) return;
    try {
      loadPrinterProfile(d.profile);
    } catch (e) {
      problems.push({ path: `devices[${i}].profile`, message: (e as Error).message });
    }
  });
  for (const p of loadPolicyFrom(config.release, config.devices, config.loaner).problems) {
    const i = p.indexOf(': ');
    if (p.startsWith('loaner')) problems.push(i > 0 ? { path: p.slice(0, i), message: p.slice(i + 2) } : { path: 'loaner', message: p });
    else problems.push(i > 0 ? { path: `release.${p.slice(0, i).replace(/^release\./, '')}`, message: p.slice(i + 2) } : { path: 'release', message: p });
  }
  const rd = config.release?.defaultReader;
  if (rd !== undefined && !config.devices.some((d) => d.id === rd && d.type === 'bi-reader')) {
    problems.push({ path: 'release.defaultReader', message: `expected the id of a bi-reader in this file, found "${rd}"` });
  }
  let mqttPassword: string | undefined = env.STERILINK_MQTT_PASSWORD || undefined;
  if (!mqttPassword && config.mqtt.passwordFile) {
    try {
      mqttPassword = fs.readFileSync(config.mqtt.passwordFile, 'utf8').trim();
    } catch (e) {
      problems.push({ path: 'mqtt.passwordFile', message: `expected a readable file, found ${(e as NodeJS.ErrnoException).code ?? 'an error'}` });
    }
  }
  brokerUrls(config.mqtt).forEach((url, i) => {
    if (!mqttPassword || config.mqtt.allowInsecure || !/^(mqtt|ws|tcp):\/\//.test(url) || LOOPBACK.test(safeHost(url))) return;
    const at = config.mqtt.urls ? `mqtt.urls[${i}]` : 'mqtt.url';
    problems.push({
      path: at,
      message: `expected mqtts:// (or wss://) when a password is set, found ${redactUrl(url)}; set mqtt.allowInsecure: true to send it in plaintext anyway`,
    });
  });
  const http = httpSecretsFrom(config.http, env);
  problems.push(...http.problems);
  if (problems.length) throw new ConfigError(file, problems);
  return { config, file, ...(mqttPassword !== undefined ? { mqttPassword } : {}), ...(http.token !== undefined ? { httpToken: http.token } : {}) };
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  // from the environment: relative to where the gateway is started, not to the config file
  if (env.STERILINK_DATA_DIR) raw.dataDir = path.resolve(env.STERILINK_DATA_DIR);
  if (env.STERILINK_MQTT_URL) {
    const mqtt = (raw.mqtt && typeof raw.mqtt === 'object' ? raw.mqtt : {}) as Record<string, unknown>;
    mqtt.url = env.STERILINK_MQTT_URL;
    delete mqtt.urls; // the environment names the one broker to use, whatever the file lists
    raw.mqtt = mqtt;
  }
}

function resolvePaths(c: GatewayConfig, base: string): GatewayConfig {
  const r = (p: string | undefined) => (p === undefined ? undefined : path.resolve(base, p));
  const tls = c.mqtt.tls ? { ...c.mqtt.tls, ca: r(c.mqtt.tls.ca), cert: r(c.mqtt.tls.cert), key: r(c.mqtt.tls.key) } : undefined;
  const devices = c.devices.map((d) => (d.profile !== undefined && !isProfileName(d.profile) ? { ...d, profile: path.resolve(base, d.profile) } : d));
  const http = c.http?.auth?.tokenFile ? { ...c.http, auth: { ...c.http.auth, tokenFile: r(c.http.auth.tokenFile) } } : c.http;
  return { ...c, dataDir: path.resolve(base, c.dataDir), mqtt: { ...c.mqtt, tls, passwordFile: r(c.mqtt.passwordFile) }, devices, ...(http ? { http } : {}) };
}

function crossFieldProblems(c: GatewayConfig, known: ReadonlySet<string> | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ids = new Map<string, number>();
  const ports = new Map<string, number>();
  c.devices.forEach((d, i) => {
    const at = `devices[${i}]`;
    const seen = ids.get(d.id);
    if (seen !== undefined) problems.push({ path: `${at}.id`, message: `expected a unique device id, found "${d.id}" again (also devices[${seen}])` });
    else ids.set(d.id, i);
    if (d.driver === 'printer-line') {
      if (!!d.serial === !!d.tcp)
        problems.push({ path: at, message: `expected exactly one of serial or tcp for driver printer-line, found ${d.serial && d.tcp ? 'both' : 'neither'}` });
    }
    if ((d.driver === 'scanner-line' || d.driver === 'bi-reader') && !!d.serial === !!d.tcp) {
      problems.push({ path: at, message: `expected exactly one of serial or tcp for driver ${d.driver}, found ${d.serial && d.tcp ? 'both' : 'neither'}` });
    }
    if (d.driver === 'hid' && !d.hid)
      problems.push({ path: `${at}.hid`, message: 'expected a hid section ({ path: /dev/input/... }) for driver hid, found nothing' });
    const family = d.type === 'scanner' ? ['scanner-line', 'hid'] : d.type === 'bi-reader' ? ['bi-reader'] : ['printer-line', 'modbus'];
    if (!family.includes(d.driver))
      problems.push({ path: `${at}.driver`, message: `expected one of ${family.join(', ')} for type ${d.type}, found "${d.driver}"` });
    if (d.driver === 'modbus' && !d.modbus) problems.push({ path: `${at}.modbus`, message: 'expected a modbus section for driver modbus, found nothing' });
    if (d.modbus) {
      const m = d.modbus;
      if (m.mode === 'rtu' && !m.path) problems.push({ path: `${at}.modbus.path`, message: 'expected a serial path for mode rtu, found nothing' });
      if (m.mode !== 'rtu' && (!m.host || !m.port))
        problems.push({ path: `${at}.modbus`, message: `expected host and port for mode ${m.mode}, found ${m.host ? 'no port' : 'no host'}` });
    }
    const port = d.serial ? `serial ${d.serial.path}` : d.tcp ? `tcp ${d.tcp.host}:${d.tcp.port}` : d.hid ? `hid ${d.hid.path}` : undefined;
    if (port) {
      const other = ports.get(port);
      if (other !== undefined) problems.push({ path: at, message: `expected its own line, found ${port} already used by devices[${other}]` });
      else ports.set(port, i);
    }
    if (d.station !== undefined && d.type !== 'scanner')
      problems.push({ path: `${at}.station`, message: `expected only on scanners, found it on a ${d.type}` });
    if (known) {
      if (d.program && !known.has(d.program))
        problems.push({ path: `${at}.program`, message: `expected one of ${[...known].join(', ')}, found "${d.program}"${didYouMean(d.program, known)}` });
      for (const [no, prog] of Object.entries(d.programMap ?? {})) {
        if (!known.has(prog))
          problems.push({ path: `${at}.programMap.${no}`, message: `expected one of ${[...known].join(', ')}, found "${prog}"${didYouMean(prog, known)}` });
      }
    }
  });
  const desks = c.loaner?.desks ?? [];
  c.devices.forEach((d, i) => {
    if (d.station === undefined || desks.includes(d.station)) return;
    const target = c.devices.find((x) => x.id === d.station);
    if (!target)
      problems.push({
        path: `devices[${i}].station`,
        message: `expected the id of a sterilizer or washer in this file${c.loaner ? ' or a loaner desk (loaner.desks)' : ''}, found "${d.station}"`,
      });
    else if (target.type !== 'steam-sterilizer' && target.type !== 'washer-disinfector')
      problems.push({ path: `devices[${i}].station`, message: `expected a sterilizer or washer, found "${d.station}" (a ${target.type})` });
  });
  return problems;
}
