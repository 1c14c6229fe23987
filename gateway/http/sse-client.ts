// One browser's live feed (Server-Sent Events). Writes never wait: what the socket has not taken yet
// stays in Node's buffer, and a client whose buffer grows past the bound (a slow link, a sleeping
// laptop) is disconnected instead of holding memory or the gateway. Its EventSource reconnects on its
// own and gets a fresh snapshot, so nothing shown is stale or half-applied.
import type { ServerResponse } from 'node:http';

export interface SseClientOptions {
  /** Bytes waiting in the socket buffer beyond which the client is dropped. */
  maxBufferedBytes: number;
  /** A comment line every this many ms keeps proxies and the browser from timing the stream out. */
  heartbeatMs: number;
  onClose: (client: SseClient, reason: 'closed' | 'slow' | 'stopped') => void;
}

export class SseClient {
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  /** Events written, for tests and logs. */
  sent = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly o: SseClientOptions,
  ) {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    res.on('close', () => this.finish('closed'));
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), o.heartbeatMs);
    this.heartbeat.unref();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Queues one event; false when the client is gone (or was just dropped for being too slow). */
  send(event: string, data: unknown): boolean {
    return this.sendJson(event, JSON.stringify(data));
  }

  /** send() with the data already serialized (one JSON.stringify for every client of a broadcast). */
  sendJson(event: string, json: string): boolean {
    if (!this.write(`event: ${event}\ndata: ${json}\n\n`)) return false;
    this.sent++;
    return true;
  }

  close(): void {
    this.finish('stopped');
  }

  private write(text: string): boolean {
    if (this.closed) return false;
    if (this.res.writableLength + text.length > this.o.maxBufferedBytes) {
      this.finish('slow');
      return false;
    }
    this.res.write(text);
    return true;
  }

  private finish(reason: 'closed' | 'slow' | 'stopped'): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (reason !== 'closed') this.res.destroy();
    this.o.onClose(this, reason);
  }
}
