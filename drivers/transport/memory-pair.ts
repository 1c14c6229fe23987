// Two Transports joined in memory, for unit tests: what one end writes, the other end receives (in a
// later microtask, in order, as a copy). The test holds the link: disconnect() and connect() drive
// both ends' onLink exactly as a real transport would report a lost and regained link.

import { GatewayError } from '../../vocabulary/errors.js';
import type { LinkState, Transport, TransportHandlers } from './transport.js';

export interface MemoryPair {
  /** Conventionally the gateway side. */
  readonly a: MemoryTransport;
  /** Conventionally the device side. */
  readonly b: MemoryTransport;
  readonly connected: boolean;
  /** Drops the link; started ends report `{connected: false, error}`. Writes fail until connect(). */
  disconnect(error?: string): void;
  /** Restores the link; started ends report `{connected: true}`. */
  connect(): void;
}

class MemoryLink {
  connected = true;
  readonly ends: MemoryTransport[] = [];

  setConnected(state: LinkState): void {
    if (this.connected === state.connected) return;
    this.connected = state.connected;
    for (const end of this.ends) end.linkChanged(state);
  }
}

export class MemoryTransport implements Transport {
  readonly description: string;
  private readonly link: MemoryLink;
  private handlers: TransportHandlers | undefined;
  private stopped = false;
  /** Bytes this end delivered to its peer. */
  bytesWritten = 0;

  constructor(link: MemoryLink, description: string) {
    this.link = link;
    this.description = description;
  }

  async start(handlers: TransportHandlers): Promise<void> {
    if (this.handlers !== undefined) throw new GatewayError('device.transport.started', `${this.description}: start() called twice`);
    this.handlers = handlers;
    if (this.link.connected) handlers.onLink({ connected: true });
    else handlers.onLink({ connected: false });
  }

  async write(data: Buffer | string): Promise<void> {
    if (!this.link.connected || this.stopped) {
      throw new GatewayError('device.transport.not-connected', `${this.description}: not connected`);
    }
    const copy = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    this.bytesWritten += copy.length;
    const peer = this.peer();
    queueMicrotask(() => peer.deliver(copy));
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  /** @internal */
  deliver(chunk: Buffer): void {
    if (this.stopped || !this.link.connected) return;
    this.handlers?.onData(chunk);
  }

  /** @internal */
  linkChanged(state: LinkState): void {
    if (!this.stopped) this.handlers?.onLink(state);
  }

  private peer(): MemoryTransport {
    const other = this.link.ends.find((end) => end !== this);
    if (other === undefined) throw new GatewayError('device.transport.memory', 'memory transport has no peer');
    return other;
  }
}

export function createMemoryPair(name = 'memory'): MemoryPair {
  const link = new MemoryLink();
  const a = new MemoryTransport(link, `${name}:a`);
  const b = new MemoryTransport(link, `${name}:b`);
  link.ends.push(a, b);
  return {
    a,
    b,
    get connected() {
      return link.connected;
    },
    disconnect: (error?: string) => link.setConnected(error === undefined ? { connected: false } : { connected: false, error }),
    connect: () => link.setConnected({ connected: true }),
  };
}
