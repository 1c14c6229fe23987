// The Docker image without a Docker engine: the Dockerfile's final stage is read, its files laid out as
// the COPY lines say (and only those), and its ENTRYPOINT + CMD run with its ENV, the image's absolute
// paths moved under a temp folder. deploy/docker-compose.yml and its Mosquitto config are checked
// against the image (paths, user, groups) and the Mosquitto config is run by a real Mosquitto.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { all, env, execForm, last, parseDockerfile } from '../helpers/dockerfile.js';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { ROOT, startProcess, tempDir } from '../helpers/process.js';

const stages = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
const build = stages[0]!;
const image = stages[stages.length - 1]!;
const imageEnv = env(image);
const workdir = last(image, 'WORKDIR')!;
const compose = parse(fs.readFileSync(path.join(ROOT, 'deploy/docker-compose.yml'), 'utf8')) as {
  services: Record<
    string,
    { environment?: Record<string, string>; group_add?: string[]; volumes?: string[]; devices?: string[]; build?: { context: string; dockerfile: string } }
  >;
};
const gw = compose.services.sterilink!;

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('Dockerfile', () => {
  it('runs as its own non-root user in dialout, with TZ, a data volume and a health check on /healthz', () => {
    const user = last(image, 'USER');
    expect(user).toBe('sterilink');
    expect(all(image, 'RUN').join('\n')).toMatch(/useradd [^\n]*--groups dialout[^\n]* sterilink/);
    expect(imageEnv.TZ).toBeTruthy();
    expect(all(image, 'VOLUME')).toEqual([JSON.stringify([imageEnv.STERILINK_DATA_DIR])]);
    expect(last(image, 'HEALTHCHECK')).toMatch(/CMD \["node", "-e", .*STERILINK_HEALTHZ_URL/);
    expect(imageEnv.STERILINK_HEALTHZ_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/healthz$/);
  });

  it('installs dependencies before copying the sources (cached npm ci), and ships no bench or tests', () => {
    const ops = build.instructions.map((i) => `${i.op} ${i.args}`);
    const ci = ops.findIndex((o) => o.startsWith('RUN npm ci'));
    const firstSource = ops.findIndex((o) => /^COPY (gateway|drivers|config|simulators) /.test(o));
    expect(ops.findIndex((o) => o === 'COPY package.json package-lock.json ./')).toBeLessThan(ci);
    expect(ci).toBeLessThan(firstSource);
    const copies = [...all(build, 'COPY'), ...all(image, 'COPY')].join('\n');
    expect(copies).not.toMatch(/\bbench\b|\btest\b/);
    const ignore = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['.git', 'node_modules', 'dist', 'data', 'bench', 'test']) expect(ignore).toContain(p);
  });

  it("the image's command line starts the gateway from only what the image holds, with its paths and environment; its HEALTHCHECK command passes while it runs and fails once it stopped", async () => {
    const root = tempDir('sterilink-image-');
    cleanup.push(async () => fs.rmSync(root, { recursive: true, force: true }));
    const at = (p: string) => path.join(root, p); // the image's absolute paths, under the temp folder
    const app = at(workdir);
    // COPY --from=build /app/X Y: the build stage's /app is this checkout after `npm run build`
    for (const c of all(image, 'COPY')) {
      const [src, dst] = c.replace(/^--from=\S+ /, '').split(' ') as [string, string];
      const from = path.join(ROOT, src.replace(/^\/app\/?/, ''));
      const to = path.join(app, dst === './' ? path.basename(src) : dst);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      if (src.endsWith('node_modules'))
        fs.symlinkSync(fs.realpathSync(from), to); // too big to copy
      else fs.cpSync(from, to, { recursive: true });
    }
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.dispose());
    const cmd = [...execForm(last(image, 'ENTRYPOINT')), ...execForm(last(image, 'CMD'))];
    const configArg = cmd[cmd.indexOf('--config') + 1]!;
    // the compose file mounts the host's config folder and the data volume exactly where the image looks
    expect(gw.volumes).toContain(`${path.dirname(configArg)}:${path.dirname(configArg)}:ro`);
    expect(gw.volumes).toContain(`sterilink-data:${imageEnv.STERILINK_DATA_DIR}`);
    fs.mkdirSync(at(path.dirname(configArg)), { recursive: true });
    // the HTTP listener where the health check asks (a free port here; in the image STERILINK_HEALTHZ_URL says 8080)
    const httpPort = await freePort();
    fs.writeFileSync(
      at(configArg),
      `site: image-test\ngateway: gw1\nmqtt: { url: "mqtt://mosquitto:1883" }\nhttp: { listen: "127.0.0.1:${httpPort}" }\ndevices: []\n`,
    );
    const runEnv = {
      ...imageEnv,
      ...gw.environment,
      STERILINK_DATA_DIR: at(imageEnv.STERILINK_DATA_DIR!),
      STERILINK_MQTT_URL: broker.url, // the compose service name "mosquitto", here
      STERILINK_HEALTHZ_URL: imageEnv.STERILINK_HEALTHZ_URL!.replace(/:\d+\//, `:${httpPort}/`),
    };
    expect(gw.environment?.STERILINK_MQTT_URL).toBe('mqtt://mosquitto:1883');
    const args = cmd.slice(1).map((a) => (a === configArg ? at(configArg) : a));
    expect(cmd[0]).toBe('node');
    const proc = startProcess(process.execPath, args, { cwd: app, env: runEnv });
    cleanup.push(() => proc.kill('SIGKILL'));
    await proc.waitForOutput('gateway running', 30_000);
    // HEALTHCHECK [options] CMD ["node", "-e", "…"]: run as Docker would, in the image's folder, with its environment and timeout
    const healthcheck = last(image, 'HEALTHCHECK')!;
    const [options, execArgs] = healthcheck.split(/ CMD (?=\[)/) as [string, string];
    const timeoutS = Number(/--timeout=(\d+)s/.exec(options)?.[1]);
    expect(timeoutS).toBeGreaterThan(0);
    const check = () => {
      const [bin, ...rest] = execForm(execArgs);
      expect(bin).toBe('node');
      return spawnSync(process.execPath, rest, { cwd: app, env: runEnv, timeout: timeoutS * 1000 }).status;
    };
    expect(check()).toBe(0);
    expect(await proc.kill('SIGTERM')).toBe(0);
    expect(check()).toBe(1);
    expect(fs.existsSync(path.join(at(imageEnv.STERILINK_DATA_DIR!), 'sterilink.db'))).toBe(true);
  }, 60_000);
});

describe('deploy/docker-compose.yml', () => {
  it('builds this Dockerfile, passes serial devices with the dialout group and sets the time zone', () => {
    expect(gw.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
    expect(gw.group_add).toEqual(['dialout']);
    expect(gw.environment?.TZ).toMatch(/^[A-Z][A-Za-z_]+\/[A-Za-z_]+$/);
    expect(gw.devices?.[0]).toMatch(/^\/dev\/serial\/by-id\/.+:\/dev\/tty\w+$/);
  });

  it("runs Mosquitto on the compose file's own config, which a real Mosquitto accepts", async () => {
    const mosq = compose.services.mosquitto!;
    const mount = mosq.volumes!.find((v) => v.endsWith(':/mosquitto/config/mosquitto.conf:ro'))!;
    const file = path.join(ROOT, 'deploy', mount.split(':')[0]!);
    const lines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines).toContain('persistence true');
    // the helper sets the listener and persistence folder; everything else as shipped
    const keep = lines.filter((l) => !/^(listener|persistence_location|persistence|allow_anonymous) /.test(l));
    const b = await Mosquitto.start({ extraConfig: keep });
    cleanup.push(() => b.dispose());
    expect(b.running).toBe(true);
  });
});
