// Looks at each deployment target (deployment-targets.ts) on this machine, as the user the command runs as:
// reads nothing it does not need, writes nothing, and creates nothing (a missing data folder is checked by
// whether its nearest existing parent lets this user create it).
import dns from 'node:dns/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GatewayConfig } from '../../config/schema.js';
import { type AtRun, type DeploymentTarget, deploymentTargets } from './deployment-targets.js';

export interface DeploymentProblem {
  /** Where in the config, e.g. `mqtt.tls.ca`. */
  path: string;
  /** `expected …, found …`, as the config's own problems. */
  message: string;
  atRun: AtRun;
}

export interface ProbeOptions {
  /** How long a DNS lookup may take (default 5 s). */
  dnsTimeoutMs?: number;
  lookup?: (host: string) => Promise<unknown>;
}

const DNS_TIMEOUT_MS = 5000;

/** `the user sterilink (uid 998)`: who the checks were made as. */
export function currentUser(): string {
  let name = '?';
  try {
    name = os.userInfo().username;
  } catch {
    // no passwd entry for this uid (a container's arbitrary uid): the number says it
  }
  return `user ${name} (uid ${process.getuid?.() ?? '?'})`;
}

const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

function canAccess(file: string, mode: number): string | null {
  try {
    fs.accessSync(file, mode);
    return null;
  } catch (e) {
    return code(e);
  }
}

function probeDataDir(dir: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    if (code(e) !== 'ENOENT' && code(e) !== 'ENOTDIR') return `expected a folder this user can write, found ${code(e)}`;
    // not there yet: the gateway creates it (and its parents) at the first start
    let parent = path.dirname(dir);
    while (!fs.existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
    if (!fs.statSync(parent).isDirectory()) return `expected a folder that can be created, found ${parent} is a file`;
    const denied = canAccess(parent, fs.constants.W_OK | fs.constants.X_OK);
    return denied
      ? `expected a folder that can be created, found ${dir} missing and ${parent} not writable by this user (${denied}); create it with owner sterilink (docs/install.md)`
      : null;
  }
  if (!stat.isDirectory()) return `expected a folder, found ${dir} is a file`;
  const denied = canAccess(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  if (denied) return `expected a folder this user can write, found ${dir} is not (${denied}); chown it to the gateway's user`;
  for (const inside of ['sterilink.db', 'sterilink.db-wal', 'keys']) {
    const file = path.join(dir, inside);
    if (!fs.existsSync(file)) continue;
    const bad = canAccess(file, fs.constants.R_OK | fs.constants.W_OK);
    if (bad) return `expected ${file} readable and writable by this user, found ${bad} (a restore as another user? chown -R the folder)`;
  }
  return null;
}

function probeDeviceFile(file: string, write: boolean): string | null {
  if (!fs.existsSync(file))
    return `expected the device at ${file}, found nothing there (adapter unplugged or renamed? /dev/serial/by-id/… names survive re-plugging)`;
  const denied = canAccess(file, fs.constants.R_OK | (write ? fs.constants.W_OK : 0));
  return denied
    ? `expected ${file} ${write ? 'readable and writable' : 'readable'} by this user, found ${denied} (add the user to the ${write ? 'dialout' : 'input'} group)`
    : null;
}

function probeReadableFile(file: string, what: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    return `expected ${what} in a readable file, found ${code(e)} for ${file}`;
  }
  if (!stat.isFile()) return `expected ${what} in a file, found ${file} is not a file`;
  const denied = canAccess(file, fs.constants.R_OK);
  return denied ? `expected ${what} readable by this user, found ${denied} for ${file} (group sterilink, mode 0640)` : null;
}

async function probeBrokerHost(host: string, opts: ProbeOptions): Promise<string | null> {
  const timeoutMs = opts.dnsTimeoutMs ?? DNS_TIMEOUT_MS;
  const lookup = opts.lookup ?? ((h: string) => dns.lookup(h));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`expected the broker host ${host} to resolve, found no DNS answer within ${timeoutMs / 1000} s`), timeoutMs);
  });
  try {
    return await Promise.race([
      lookup(host).then(
        () => null,
        (e: unknown) => `expected the broker host ${host} to resolve, found ${code(e)} (check the name, the DNS server or /etc/hosts)`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The problem of one target on this machine, or null when it is fine. */
export async function probeTarget(t: DeploymentTarget, opts: ProbeOptions = {}): Promise<string | null> {
  switch (t.kind) {
    case 'data-dir':
      return probeDataDir(t.file);
    case 'device-file':
      return probeDeviceFile(t.file, t.write);
    case 'readable-file':
      return probeReadableFile(t.file, t.what);
    case 'broker-host':
      return probeBrokerHost(t.host, opts);
  }
}

/** Every problem of `config`'s deployment on this machine, in the config's order. */
export async function probeDeployment(config: GatewayConfig, opts: ProbeOptions = {}): Promise<DeploymentProblem[]> {
  const targets = deploymentTargets(config);
  const found = await Promise.all(targets.map((t) => probeTarget(t, opts)));
  return targets.flatMap((t, i) => {
    const message = found[i];
    return message ? [{ path: t.path, message, atRun: t.atRun }] : [];
  });
}
