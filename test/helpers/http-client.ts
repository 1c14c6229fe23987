// A small HTTP client for the web page tests (node:http, so a test can send any Host or Authorization
// header), and a reader of Server-Sent Events that awaits the event a test wants.
import http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** An open live feed: every event received so far, and a wait for the next one that matches. */
export class SseReader {
  readonly events: SseEvent[] = [];
  private buf = '';
  private waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; seen: number }[] = [];
  closed = false;

  private constructor(
    readonly res: http.IncomingMessage,
    private readonly req: http.ClientRequest,
  ) {
    res.setEncoding('utf8');
    res.on('data', (c: string) => this.feed(c));
    res.on('close', () => {
      this.closed = true;
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => resolve(new SseReader(res, req)));
      req.on('error', reject);
    });
  }

  /** The first event (from the start of the stream) for which `match` is true. */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs = 10_000, what = 'an event'): Promise<SseEvent> {
    const hit = this.events.find(match);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${this.events.map((e) => e.event).join(', ') || 'nothing'}`));
      }, timeoutMs);
      this.waiters.push({ match, resolve, reject, timer, seen: this.events.length });
    });
  }

  close(): void {
    this.req.destroy();
  }

  private feed(chunk: string): void {
    this.buf += chunk;
    let i: number;
    while ((i = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (!data.length) continue;
      const e = { event, data: JSON.parse(data.join('\n')) as unknown };
      this.events.push(e);
      for (const w of [...this.waiters]) {
        if (w.match(e)) {
          clearTimeout(w.timer);
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(e);
        }
      }
    }
  }
}
