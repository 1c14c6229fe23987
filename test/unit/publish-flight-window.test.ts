import { describe, expect, it } from 'vitest';
import { FlightWindow } from '../../gateway/publish/flight-window.js';
import { isGatewayError } from '../../vocabulary/errors.js';

describe('in-flight window', () => {
  it('hands out at most `capacity` slots and takes them back', () => {
    const w = new FlightWindow();
    expect(w.tryAcquire()).toBeNull(); // closed
    w.open(3);
    const slots = [w.tryAcquire(), w.tryAcquire(), w.tryAcquire()];
    expect(slots.every(Boolean)).toBe(true);
    expect(w.tryAcquire()).toBeNull();
    expect(w.inFlight).toBe(3);
    w.release(slots[0]!);
    expect(w.inFlight).toBe(2);
    expect(w.tryAcquire()).not.toBeNull();
    expect(w.peakInFlight).toBe(3);
  });

  it('serves async waiters first, in order, and tells the drain when a slot is free', async () => {
    const w = new FlightWindow();
    const freed: number[] = [];
    w.onFree(() => freed.push(w.inFlight));
    w.open(1);
    const first = w.tryAcquire()!;
    const order: string[] = [];
    const a = w.acquire().then((s) => (order.push('a'), s));
    const b = w.acquire().then((s) => (order.push('b'), s));
    w.release(first);
    expect(w.tryAcquire()).toBeNull(); // a's slot, and b is still waiting
    w.release(await a);
    w.release(await b);
    expect(order).toEqual(['a', 'b']);
    expect(freed).toEqual([0]); // only when nobody was waiting
  });

  it('voids the slots of a closed connection and rejects its waiters', async () => {
    const w = new FlightWindow();
    w.open(1);
    const old = w.tryAcquire()!;
    const waiting = w.acquire();
    w.close();
    await expect(waiting).rejects.toSatisfy((e: unknown) => isGatewayError(e, 'mqtt.offline'));
    await expect(w.acquire()).rejects.toSatisfy((e: unknown) => isGatewayError(e, 'mqtt.offline'));
    w.open(2);
    expect(w.isCurrent(old)).toBe(false);
    w.release(old); // late acknowledgement of a dead connection: no effect
    expect(w.inFlight).toBe(0);
    expect(w.tryAcquire()).not.toBeNull();
  });
});
