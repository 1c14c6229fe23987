// Builds the transport and driver of each configured device. Drivers only get a transport, a logger,
// a clock and a callback: they never see the gateway core. One DeviceLinks per gateway owns what its
// drivers share: the Modbus buses (all devices on one RS-485 bus or one Modbus TCP gateway share one
// connection, and a serial port can be opened only once).

import type { DeviceConfig } from '../../config/schema.js';
import { BiReaderDriver } from '../../drivers/bi-reader/index.js';
import type { ModbusBusRegistry, ModbusPollReport, PollClock } from '../../drivers/modbus/index.js';
import { loadPrinterProfile, PrinterLineDriver, type ResumedCycle } from '../../drivers/printer-line/index.js';
import { HidTransport, ScannerDriver, type ScanReading } from '../../drivers/scanner/index.js';
import { SerialTransport, TcpTransport, type Transport } from '../../drivers/transport/index.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { GatewayError } from '../../vocabulary/errors.js';
import type { Logger } from '../logger.js';

export interface DeviceDriver {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function transportFor(device: DeviceConfig, logger: Logger): Transport {
  if (device.serial) {
    const s = device.serial;
    return new SerialTransport({ path: s.path, baudRate: s.baudRate, dataBits: s.dataBits, parity: s.parity, stopBits: s.stopBits, logger });
  }
  if (device.tcp) return new TcpTransport({ host: device.tcp.host, port: device.tcp.port, logger });
  throw new GatewayError('config.device', `device ${device.id}: no serial or tcp line configured`, { deviceId: device.id });
}

export interface DriverRequest {
  device: DeviceConfig;
  logger: Logger;
  now: () => number;
  onEvent: (e: DeviceEvent) => void;
  /** How the site reads scanned codes (scanners only). */
  scanReading?: ScanReading | undefined;
  /** Told about each Modbus poll (Modbus devices only; the metrics). */
  onPoll?: ((report: ModbusPollReport) => void) | undefined;
  /** The cycle the gateway resumed for this device (a printer line reads on inside its ticket). */
  resume?: ResumedCycle | undefined;
}

/** Builds the drivers of one gateway's devices and owns what they share. The app makes one for all its devices. */
export class DeviceLinks {
  /** The gateway's Modbus buses, made when the first Modbus device starts. */
  private buses: ModbusBusRegistry | undefined;
  /** The instants the Modbus devices are polled at, shared so that devices due together wake the loop once. */
  private pollClock: PollClock | undefined;
  /** Modbus drivers made so far: the next one's place in the poll spread. */
  private modbusDevices = 0;
  /** Poll slots in each interval, from the number of Modbus devices the gateway will run. */
  private readonly pollSlots: number;

  /** `modbusDevices`: how many Modbus devices the gateway runs (their poll spread depends on it). */
  constructor(opts: { modbusDevices?: number } = {}) {
    this.pollSlots = pollSlotsFor(opts.modbusDevices ?? 1);
  }

  /** The open Modbus connections and how many devices use each, for diagnostics. */
  get modbusBuses(): { link: string; users: number }[] {
    return this.buses?.open ?? [];
  }

  /** The driver of a configured device. Modbus (and modbus-serial) is loaded only when a device uses it. */
  async driverFor(opts: DriverRequest): Promise<DeviceDriver> {
    const { device } = opts;
    switch (device.driver) {
      case 'printer-line': {
        let profile;
        try {
          profile = device.profile === undefined ? undefined : loadPrinterProfile(device.profile);
        } catch (e) {
          throw new GatewayError('config.device', `device ${device.id}: ${(e as Error).message}`, { deviceId: device.id }, { cause: e });
        }
        return new PrinterLineDriver({
          deviceId: device.id,
          transport: transportFor(device, opts.logger),
          ...(profile ? { profile } : {}),
          atmosphericKpa: device.atmosphericKpa,
          ...(device.encoding !== undefined ? { encoding: device.encoding } : {}),
          maxLineBytes: device.maxLineBytes,
          ...(opts.resume ? { resume: opts.resume } : {}),
          logger: opts.logger,
          now: opts.now,
          onEvent: opts.onEvent,
        });
      }
      case 'modbus': {
        const m = device.modbus;
        if (!m) throw new GatewayError('config.device', `device ${device.id}: driver modbus needs a modbus section`, { deviceId: device.id });
        const { ModbusDriver, ModbusBusRegistry, PollClock, parseRegisterMap } = await import('../../drivers/modbus/index.js');
        const link =
          m.mode === 'rtu'
            ? { mode: 'rtu' as const, path: m.path as string, baudRate: m.baudRate, dataBits: m.dataBits, parity: m.parity, stopBits: m.stopBits }
            : { mode: m.mode, host: m.host as string, port: m.port as number };
        return new ModbusDriver({
          deviceId: device.id,
          link,
          unitId: m.unitId,
          pollMs: m.pollMs,
          startOffsetMs: pollSpread(this.modbusDevices++, m.pollMs, this.pollSlots),
          pollClock: (this.pollClock ??= new PollClock()),
          timeoutMs: m.timeoutMs,
          ...(m.map !== undefined ? { map: parseRegisterMap(m.map) } : {}),
          ...(m.staleAfter !== undefined ? { staleAfter: m.staleAfter } : {}),
          buses: (this.buses ??= new ModbusBusRegistry()),
          logger: opts.logger,
          now: opts.now,
          onEvent: opts.onEvent,
          ...(opts.onPoll ? { onPoll: opts.onPoll } : {}),
        });
      }
      case 'scanner-line':
        return new ScannerDriver({
          deviceId: device.id,
          transport: transportFor(device, opts.logger),
          suffix: device.suffix,
          ...(device.encoding !== undefined ? { encoding: device.encoding } : {}),
          maxCodeBytes: device.maxLineBytes,
          ...(opts.scanReading ? { reading: opts.scanReading } : {}),
          logger: opts.logger,
          now: opts.now,
          onEvent: opts.onEvent,
        });
      case 'hid': {
        const hid = device.hid;
        if (!hid) throw new GatewayError('config.device', `device ${device.id}: driver hid needs a hid section`, { deviceId: device.id });
        return new ScannerDriver({
          deviceId: device.id,
          format: 'input-event',
          transport: new HidTransport({ path: hid.path, logger: opts.logger }),
          suffix: device.suffix,
          maxCodeBytes: device.maxLineBytes,
          ...(hid.layout ? { inputEventLayout: hid.layout } : {}),
          ...(hid.functionKeys ? { functionKeys: hid.functionKeys } : {}),
          ...(opts.scanReading ? { reading: opts.scanReading } : {}),
          logger: opts.logger,
          now: opts.now,
          onEvent: opts.onEvent,
        });
      }
      case 'bi-reader':
        return new BiReaderDriver({
          deviceId: device.id,
          transport: transportFor(device, opts.logger),
          ...(device.encoding !== undefined ? { encoding: device.encoding } : {}),
          maxLineBytes: device.maxLineBytes,
          requireChecksum: device.requireChecksum,
          logger: opts.logger,
          now: opts.now,
          onEvent: opts.onEvent,
        });
      default:
        throw new GatewayError('config.device', `device ${device.id}: driver "${device.driver}" is not available in this version`, { deviceId: device.id });
    }
  }
}

/** Where in its poll interval the k-th Modbus device of the gateway is polled (k from 0): one of `slots`
 * evenly spaced instants of the interval's first second, dealt in turn, so slot sizes differ by one at most.
 * All devices of a slot are polled, answered and published in one burst, and the last of a burst waits for
 * the others; every slot is one more wake-up of the event loop a second, which is what costs CPU
 * (docs/performance.md "Poll slots and wake-ups"). */
export function pollSpread(k: number, pollMs: number, slots: number): number {
  return Math.floor(((k % slots) * Math.min(pollMs, 1000)) / slots);
}

/** Up to this many Modbus devices are polled in one burst a second: one wake-up, and the burst's telemetry
 * leaves within a few ms. Smaller bursts (4 devices per instant) keep the p99 under a broker's Nagle hold
 * (docs/performance.md, "Fifth pass"), but each instant is one more wake-up of an idle process: at 16
 * devices 4 instants cost ~0.4 % of a core, which put the gateway at or above Node-RED's CPU. */
export const ONE_BURST_MAX = 16;
/** Beyond one burst, devices per slot: 64 devices in 8 slots measured p99 14 ms at 2.6 % CPU, in 4 slots 35 ms at 2.3 %. */
export const DEVICES_PER_SLOT = 8;
/** Slots at most in one interval. */
export const MAX_POLL_SLOTS = 8;

/** One slot up to ONE_BURST_MAX Modbus devices; beyond, one per DEVICES_PER_SLOT devices, MAX_POLL_SLOTS at most. */
export function pollSlotsFor(modbusDevices: number): number {
  if (modbusDevices <= ONE_BURST_MAX) return 1;
  return Math.min(MAX_POLL_SLOTS, Math.ceil(modbusDevices / DEVICES_PER_SLOT));
}
