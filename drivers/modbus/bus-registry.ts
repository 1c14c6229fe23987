// Devices on one RS-485 bus (one serial path), or behind one TCP address (a Modbus gateway, a serial
// device server), share one ModbusConnection: one request in flight on the wire, in order. The registry
// hands out that connection by link key, counts its users, and closes it when the last one leaves.
// The app makes one registry and passes it to every Modbus driver it builds (gateway/device/device-link.ts):
// a serial port can be opened once, so all the devices on one bus must share its registry.

import type { Logger } from 'pino';
import type { BackoffPolicy } from '../../vocabulary/backoff.js';
import { GatewayError } from '../../vocabulary/errors.js';
import { ModbusConnection } from './client.js';
import { describeLink, linkKey, type ModbusLinkSettings } from './link-settings.js';

export interface BusLease {
  readonly connection: ModbusConnection;
  /** Idempotent; the connection closes with its last lease. */
  release(): Promise<void>;
}

interface Entry {
  connection: ModbusConnection;
  settings: ModbusLinkSettings;
  users: number;
}

const SERIAL_KEYS = ['baudRate', 'dataBits', 'parity', 'stopBits'] as const;

export class ModbusBusRegistry {
  private readonly entries = new Map<string, Entry>();

  /** The connection for `settings`, started if it is new. Throws `device.modbus.bus-conflict` when a device
   * names a bus already open with other line settings (two baud rates on one wire cannot both be right). */
  acquire(settings: ModbusLinkSettings, opts: { logger?: Logger; backoff?: BackoffPolicy; random?: () => number } = {}): BusLease {
    const key = linkKey(settings);
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      const clash = settings.mode === 'rtu' ? SERIAL_KEYS.filter((k) => (settings[k] ?? defaults[k]) !== (entry!.settings[k] ?? defaults[k])) : [];
      if (clash.length > 0) {
        throw new GatewayError(
          'device.modbus.bus-conflict',
          `${describeLink(settings)} is already open with other line settings (${clash.map((k) => `${k} ${String(entry!.settings[k] ?? defaults[k])}`).join(', ')}); devices on one bus must agree`,
          { link: describeLink(settings), clash },
        );
      }
      entry.users++;
    } else {
      const connection = new ModbusConnection({
        settings,
        ...(opts.logger && { logger: opts.logger }),
        ...(opts.backoff && { backoff: opts.backoff }),
        ...(opts.random && { random: opts.random }),
      });
      connection.start();
      entry = { connection, settings, users: 1 };
      this.entries.set(key, entry);
    }
    const held = entry;
    let released = false;
    return {
      connection: held.connection,
      release: async () => {
        if (released) return;
        released = true;
        held.users--;
        if (held.users > 0) return;
        if (this.entries.get(key) === held) this.entries.delete(key);
        await held.connection.stop();
      },
    };
  }

  /** Open connections and their users, for diagnostics. */
  get open(): { link: string; users: number }[] {
    return [...this.entries.values()].map((e) => ({ link: e.connection.description, users: e.users }));
  }
}

const defaults = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } as const;
