// `sterilink watch [--url mqtt://HOST:PORT] [--site S] [--gateway G] [--device ID] [--once] [--json]
// [--interval MS] [--ascii]`: a live terminal view of every SteriLink gateway on a broker, from MQTT
// alone. On a terminal it redraws in place; into a pipe it prints a line per update (or, with --json,
// a snapshot per interval); --once prints one snapshot of the retained state and exits.
// Exit codes: 0 done (including Ctrl-C), 2 bad arguments or the broker cannot be reached.
import { isValidSegment } from '../../gateway/publish/topics.js';
import { redactUrl } from '../../vocabulary/redact-url.js';
import { renderScreen } from '../watch/render.js';
import { LiveScreen } from '../watch/screen.js';
import { toSnapshot } from '../watch/snapshot.js';
import { BrokerUnreachable, subscribeWatch, type WatchSubscriber } from '../watch/subscriber.js';
import { watchFilters } from '../watch/topic.js';
import { updateLine } from '../watch/update-line.js';
import { WatchModel, type WatchUpdate } from '../watch/watch-model.js';
import { type CommandIo, println, UsageError } from './command.js';
import { commandSpec, parseCommand } from './options.js';
import { untilSignal } from './signals.js';

const USAGE = `usage: sterilink watch [--url mqtt://HOST:PORT] [--site S] [--gateway G] [--device ID]
                       [--once] [--json] [--interval MS] [--ascii]

  --url       broker (default mqtt://127.0.0.1:1883; mqtts://, ws://, user:password@ accepted)
  --site      only this site (default: every site on the broker)
  --gateway   only this gateway
  --device    the device whose running cycle is charted (default: the latest to run one)
  --once      print a snapshot of the retained state and exit (with --json: JSON for scripts)
  --json      JSON snapshots instead of the screen (live: one line per interval with changes)
  --interval  redraw at most every MS milliseconds (default 500)
  --ascii     no Unicode (braille chart, ✓/✗); automatic when the locale is not UTF-8`;

const PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:']);
/** --once: the snapshot is taken when no retained message came for QUIET_MS, or after SETTLE_MAX_MS. */
const QUIET_MS = 500;
const SETTLE_MAX_MS = 5000;
const CONNECT_TIMEOUT_MS = 5000;

type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number; fd?: number };

interface Options {
  url: string;
  site?: string;
  gateway?: string;
  device?: string;
  once: boolean;
  json: boolean;
  intervalMs: number;
  ascii: boolean;
}

const WATCH = commandSpec({
  name: 'sterilink watch',
  usage: USAGE.slice(0, USAGE.indexOf('\n\n')),
  details: USAGE.slice(USAGE.indexOf('\n\n') + 2),
  options: {
    url: { type: 'string' },
    site: { type: 'string' },
    gateway: { type: 'string' },
    device: { type: 'string' },
    once: { type: 'boolean' },
    json: { type: 'boolean' },
    interval: { type: 'string' },
    ascii: { type: 'boolean' },
  },
});

function parseOptions(io: CommandIo): Options | 'help' {
  const parsed = parseCommand(io, WATCH, io.argv);
  if (!parsed) return 'help';
  const v = parsed.values;
  const url = v.url ?? 'mqtt://127.0.0.1:1883';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`sterilink watch: --url: expected mqtt://HOST:PORT, found ${JSON.stringify(url)}`);
  }
  if (!PROTOCOLS.has(u.protocol) || !u.hostname)
    throw new UsageError(`sterilink watch: --url: expected mqtt://HOST:PORT (or mqtts, ws, wss), found ${JSON.stringify(redactUrl(url))}`);
  for (const key of ['site', 'gateway', 'device'] as const) {
    const s = v[key];
    if (s !== undefined && (key === 'device' ? !s.split('/').every(isValidSegment) : !isValidSegment(s))) {
      throw new UsageError(`sterilink watch: --${key}: expected letters, digits, "_" or "-", found ${JSON.stringify(s)}`);
    }
  }
  const intervalMs = v.interval === undefined ? 500 : Number(v.interval);
  if (!Number.isInteger(intervalMs) || intervalMs < 50 || intervalMs > 60_000) {
    throw new UsageError(`sterilink watch: --interval: expected milliseconds from 50 to 60000, found ${JSON.stringify(v.interval)}`);
  }
  return { url, site: v.site, gateway: v.gateway, device: v.device, once: v.once ?? false, json: v.json ?? false, intervalMs, ascii: v.ascii ?? false };
}

/** NO_COLOR (https://no-color.org): any non-empty value turns colours off. */
const wantsColor = (env: NodeJS.ProcessEnv): boolean => !env.NO_COLOR && env.TERM !== 'dumb';
const utf8Locale = (env: NodeJS.ProcessEnv): boolean => /utf-?8/i.test(env.LC_ALL || env.LC_CTYPE || env.LANG || '');
const clock = (): string => new Date().toTimeString().slice(0, 8);

export async function watchCommand(io: CommandIo): Promise<number> {
  const opts = parseOptions(io);
  if (opts === 'help') return 0;
  const out = io.stdout as Out;
  const screenMode = !opts.once && !opts.json && out.isTTY === true && io.env.TERM !== 'dumb';
  const unicode = !opts.ascii && utf8Locale(io.env);
  const color = out.isTTY === true && wantsColor(io.env);
  const title = [redactUrl(opts.url), opts.site ? `site ${opts.site}` : null, opts.gateway ? `gateway ${opts.gateway}` : null].filter(Boolean).join('  ');
  const model = new WatchModel();

  let lastRetainedAt = Date.now();
  let dirty = true;
  let broker: string | null = null;
  let onUpdate: (u: WatchUpdate) => void = () => {};
  let onLink: (up: boolean, reason?: string) => void = () => {};
  if (!opts.once && !screenMode && !opts.json) {
    // A line per update, set up before subscribing so the retained messages get theirs too.
    onUpdate = (u) => {
      const line = updateLine(model, u, `${clock()} `);
      if (line !== null) println(out, line);
    };
    onLink = (up, reason) => println(out, `${clock()} broker ${up ? 'reconnected' : `connection lost (${reason ?? '?'}), reconnecting`}`);
    println(out, `${clock()} watching ${title} (Ctrl-C quits)`);
  }

  let sub: WatchSubscriber;
  try {
    sub = await subscribeWatch(
      opts.url,
      watchFilters(opts.site, opts.gateway),
      {
        message(topic, payload, retained) {
          if (retained) lastRetainedAt = Date.now();
          const u = model.apply(topic, payload);
          if (u.kind !== 'ignored') dirty = true;
          onUpdate(u);
        },
        link(up, reason) {
          broker = up ? null : `broker: ${reason ?? 'connection lost'}, reconnecting`;
          dirty = true;
          onLink(up, reason);
        },
      },
      CONNECT_TIMEOUT_MS,
    );
  } catch (e) {
    if (e instanceof BrokerUnreachable) {
      println(io.stderr, `sterilink watch: ${e.message}`);
      return 2;
    }
    throw e;
  }

  if (opts.once) {
    const subackAt = Date.now();
    lastRetainedAt = subackAt;
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        const now = Date.now();
        if (now - lastRetainedAt >= QUIET_MS || now - subackAt >= SETTLE_MAX_MS) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
    await sub.close();
    if (opts.json) println(io.stdout, JSON.stringify(toSnapshot(model), null, 2));
    else {
      const width = out.columns ?? (Number(io.env.COLUMNS) || 80);
      println(io.stdout, renderScreen(model, { width, height: Number.POSITIVE_INFINITY, color, unicode, title, chartDevice: opts.device }));
    }
    return 0;
  }

  // Live: until Ctrl-C / SIGTERM, or until stdout goes away (the pipe reader exited).
  const stopped = new Promise<string>((resolve) => {
    void untilSignal().then(resolve);
    out.on('error', () => resolve('stdout closed'));
  });
  const screen = screenMode ? new LiveScreen(out) : null;
  const draw = () => {
    if (!dirty) return;
    dirty = false;
    if (screen) {
      const frame = renderScreen(model, {
        width: out.columns ?? 80,
        height: out.rows ?? 24,
        color,
        unicode,
        title,
        clock: `updated ${clock()}`,
        broker,
        chartDevice: opts.device,
        hint: 'Ctrl-C quits',
      });
      screen.draw(frame);
    } else if (opts.json) println(out, JSON.stringify(toSnapshot(model)));
  };
  const onResize = () => {
    dirty = true;
    draw();
  };
  screen?.enter();
  out.on('resize', onResize);
  draw();
  const timer = setInterval(draw, opts.intervalMs);
  try {
    await stopped;
  } finally {
    clearInterval(timer);
    out.off('resize', onResize);
    await screen?.leave();
    await sub.close();
  }
  return 0;
}
