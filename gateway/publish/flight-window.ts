// The per-connection budget of unacknowledged QoS 1 publishes. Every QoS 1 publish (records, replays,
// status, device state) takes a slot and gives it back on PUBACK, so the total never exceeds our window
// nor the broker's Receive Maximum (a broker may drop a client that exceeds it). Each connection opens a
// new epoch; slots of an older epoch are void, so a late callback of a dead connection changes nothing.
import { GatewayError } from '../../vocabulary/errors.js';

export interface Slot {
  readonly epoch: number;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(err: Error): void;
}

export class FlightWindow {
  private epoch = 0;
  private capacity = 0;
  private used = 0;
  private peak = 0;
  private readonly waiters: Waiter[] = [];
  private readonly freeListeners: Array<() => void> = [];

  /** Slots in use in the current epoch. */
  get inFlight(): number {
    return this.used;
  }

  /** The most slots ever in use at once (all epochs): what a test or a bench checks the bound with. */
  get peakInFlight(): number {
    return this.peak;
  }

  get size(): number {
    return this.capacity;
  }

  get isOpen(): boolean {
    return this.capacity > 0;
  }

  /** Starts a new epoch with `capacity` slots (a new connection). */
  open(capacity: number): void {
    this.close();
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  /** Ends the epoch: every slot is void, every waiter is rejected with `mqtt.offline`. */
  close(): void {
    this.epoch++;
    this.capacity = 0;
    this.used = 0;
    const waiting = this.waiters.splice(0);
    for (const w of waiting) w.reject(new GatewayError('mqtt.offline', 'connection closed while waiting for an in-flight slot'));
  }

  /** True while `slot` belongs to the current connection. */
  isCurrent(slot: Slot): boolean {
    return slot.epoch === this.epoch && this.capacity > 0;
  }

  /** A slot now, or null when full, closed, or when async waiters are queued (they go first). */
  tryAcquire(): Slot | null {
    if (this.used >= this.capacity || this.waiters.length > 0) return null;
    return this.take();
  }

  /** A slot as soon as one is free; rejects with `mqtt.offline` if the connection ends first. */
  async acquire(): Promise<Slot> {
    if (this.capacity > 0 && this.used < this.capacity && this.waiters.length === 0) return this.take();
    if (this.capacity === 0) throw new GatewayError('mqtt.offline', 'not connected');
    return new Promise<Slot>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Gives a slot back; a slot of an older epoch is ignored. */
  release(slot: Slot): void {
    if (!this.isCurrent(slot)) return;
    this.used--;
    const next = this.waiters.shift();
    if (next) {
      next.resolve(this.take());
      return;
    }
    for (const l of this.freeListeners) l();
  }

  /** Called whenever a slot frees up with nobody waiting for it (the drain pumps then). */
  onFree(listener: () => void): void {
    this.freeListeners.push(listener);
  }

  private take(): Slot {
    this.used++;
    if (this.used > this.peak) this.peak = this.used;
    return { epoch: this.epoch };
  }
}
