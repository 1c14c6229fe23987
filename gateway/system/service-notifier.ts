// Telling systemd how the gateway is (sd_notify(3)): READY=1 once it runs, WATCHDOG=1 while its event loop
// turns, STOPPING=1 when it stops, STATUS= in between. Only when systemd asked for it (NOTIFY_SOCKET set,
// i.e. a `Type=notify` unit); anywhere else (a terminal, Docker, a test) it does nothing.
//
// How the datagram gets out: the notify socket is a unix *datagram* socket, which Node cannot open
// (node:dgram is UDP only, node:net is stream only) without a native addon. So each message is handed to
// `systemd-notify`, which is in the systemd package wherever systemd is. That is reliable under two
// conditions, both met by deploy/systemd/sterilink.service:
// - `NotifyAccess=all`: the datagram comes from the systemd-notify child, not from the main PID;
// - systemd-notify ≥ 246 waits by default until systemd has processed the message (BARRIER=1), so it no
//   longer exits before systemd could tell which unit it belongs to (the old race that made it unreliable).
// Messages are sent one at a time, in order; a watchdog ping is not queued twice. The watchdog pings come
// from a timer on the event loop: if the loop hangs, the pings stop and systemd restarts the gateway.
import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import { errorMessage } from '../../vocabulary/errors.js';

export interface ServiceNotifierContext {
  /** NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID (takeServiceEnvironment). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** This process' pid (WATCHDOG_PID names the process that must ping). Default process.pid. */
  pid?: number;
  /** The program that sends one message. Default `systemd-notify` (from the PATH). */
  command?: string;
}

/** Milliseconds between watchdog pings (half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises), or
 * null when systemd asked for no watchdog, or asked another process for it. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

const WATCHDOG = 'WATCHDOG=1';
const SERVICE_VARIABLES = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID'] as const;

/**
 * Moves systemd's variables out of `env` (sd_notify's unset_environment): the processes the gateway
 * starts (timedatectl, …) must not talk to the notify socket as if they were the service — systemd's own
 * tools report ERRNO= there when they fail, which would show as the gateway's error.
 */
export function takeServiceEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const taken: NodeJS.ProcessEnv = {};
  for (const k of SERVICE_VARIABLES) {
    if (env[k] !== undefined) taken[k] = env[k];
    delete env[k];
  }
  return taken;
}

export class ServiceNotifier {
  private readonly queue: string[][] = [];
  private sending: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private loggedFailure: string | null = null;
  private readonly command: string;

  constructor(private readonly ctx: ServiceNotifierContext) {
    this.command = ctx.command ?? 'systemd-notify';
  }

  /** Whether systemd listens (NOTIFY_SOCKET is set). */
  get enabled(): boolean {
    return Boolean(this.ctx.env.NOTIFY_SOCKET);
  }

  /** Starts the watchdog pings when the unit has WatchdogSec=; idempotent. */
  startWatchdog(): void {
    const every = this.enabled ? watchdogIntervalMs(this.ctx.env, this.ctx.pid ?? process.pid) : null;
    if (every === null || this.timer) return;
    this.ctx.logger.info({ everyMs: every }, 'systemd watchdog: pinging');
    this.send([WATCHDOG]);
    this.timer = setInterval(() => this.send([WATCHDOG]), every);
    this.timer.unref(); // never what keeps the process alive
  }

  ready(status: string): void {
    this.send(['READY=1', `STATUS=${oneLine(status)}`]);
  }

  status(status: string): void {
    this.send([`STATUS=${oneLine(status)}`]);
  }

  /** The watchdog keeps pinging while the gateway stops (TimeoutStopSec= bounds the stop). */
  stopping(status = 'stopping'): void {
    this.send(['STOPPING=1', `STATUS=${oneLine(status)}`]);
  }

  /** Stops the pings and waits (at most `timeoutMs`) for the messages still queued. */
  async close(timeoutMs = 3000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.drained(), limit]);
    clearTimeout(timer);
  }

  private async drained(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private send(lines: string[]): void {
    if (!this.enabled) return;
    if (lines.length === 1 && lines[0] === WATCHDOG && this.queue.some((q) => q.length === 1 && q[0] === WATCHDOG)) return;
    this.queue.push(lines);
    this.sending ??= this.pump();
  }

  private async pump(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) await this.sendOne(next);
    this.sending = null;
  }

  private sendOne(lines: string[]): Promise<void> {
    return new Promise((resolve) => {
      const child = spawn(this.command, lines, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NOTIFY_SOCKET: this.ctx.env.NOTIFY_SOCKET } });
      let stderr = '';
      child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-500)));
      child.once('error', (e) => {
        this.failed(`cannot run ${this.command}: ${errorMessage(e)}`);
        resolve();
      });
      child.once('close', (code) => {
        if (code === 0) this.loggedFailure = null;
        else if (code !== null) this.failed(`${this.command} ${lines[0] ?? ''} exited ${code}: ${stderr.trim()}`);
        resolve();
      });
    });
  }

  /** Logged once per kind of failure: systemd not hearing from us is worth a warning, not a flood. */
  private failed(reason: string): void {
    if (reason === this.loggedFailure) return;
    this.loggedFailure = reason;
    this.ctx.logger.warn({ reason }, 'systemd notification not delivered');
  }
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
