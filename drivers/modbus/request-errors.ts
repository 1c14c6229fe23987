// The Modbus request failures, as GatewayErrors (`device.modbus.…`) whose message names the unit, function code and
// address, and whose `kind` tells the driver how to react (a timeout suspends a unit, an exception
// does not). Classifies the errors modbus-serial hands back.

import { GatewayError } from '../../vocabulary/errors.js';
import type { RegisterFunction } from './register-map.js';

export type ModbusFailureKind = 'timeout' | 'exception' | 'crc' | 'not-connected' | 'io';

export interface RequestDescription {
  unitId: number;
  function: RegisterFunction;
  address: number;
  count: number;
}

export const functionCode = (fn: RegisterFunction): 3 | 4 => (fn === 'holding' ? 3 : 4);

const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'slave device failure',
  5: 'acknowledge',
  6: 'slave device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};
export const exceptionName = (code: number): string => EXCEPTION_NAMES[code] ?? 'unknown exception';

export class ModbusRequestError extends GatewayError {
  readonly kind: ModbusFailureKind;
  readonly exceptionCode: number | undefined;
  constructor(kind: ModbusFailureKind, message: string, req: RequestDescription, link: string, extra: { exceptionCode?: number; cause?: unknown } = {}) {
    super(
      `device.modbus.${kind}`,
      message,
      {
        unitId: req.unitId,
        functionCode: functionCode(req.function),
        address: req.address,
        count: req.count,
        link,
        ...(extra.exceptionCode !== undefined && { exceptionCode: extra.exceptionCode }),
      },
      extra.cause === undefined ? undefined : { cause: extra.cause },
    );
    this.name = 'ModbusRequestError';
    this.kind = kind;
    this.exceptionCode = extra.exceptionCode;
  }
}

export function isModbusRequestError(e: unknown, kind?: ModbusFailureKind): e is ModbusRequestError {
  return e instanceof ModbusRequestError && (kind === undefined || e.kind === kind);
}

/** `function 4 (read input registers) at address 0, 14 registers` */
export function describeRequest(req: RequestDescription): string {
  return `function ${functionCode(req.function)} (read ${req.function} registers) at address ${req.address}, ${req.count} register${req.count === 1 ? '' : 's'}`;
}

export function timeoutError(req: RequestDescription, link: string, timeoutMs: number): ModbusRequestError {
  return new ModbusRequestError('timeout', `Modbus unit ${req.unitId} did not answer ${describeRequest(req)}, within ${timeoutMs} ms (${link})`, req, link);
}

export function garbledError(req: RequestDescription, link: string, registers: number): ModbusRequestError {
  return new ModbusRequestError(
    'io',
    `Modbus unit ${req.unitId}: reply to ${describeRequest(req)} carries ${registers} register${registers === 1 ? '' : 's'} (${link})`,
    req,
    link,
  );
}

export function notConnectedError(req: RequestDescription, link: string, why = 'not connected'): ModbusRequestError {
  return new ModbusRequestError('not-connected', `Modbus unit ${req.unitId}: ${describeRequest(req)} not sent, ${link} ${why}`, req, link);
}

/** What modbus-serial's error means (it has no typed errors: a name, an errno, a modbusCode, a message). */
export function classifyLibraryError(e: unknown, req: RequestDescription, link: string, timeoutMs: number): ModbusRequestError {
  // modbus-serial rejects with plain objects and Errors carrying these optional fields.
  const err = (typeof e === 'object' && e !== null ? e : {}) as { name?: unknown; errno?: unknown; message?: unknown; modbusCode?: unknown };
  const message = typeof err.message === 'string' ? err.message : String(e);
  if (err.name === 'TransactionTimedOutError' || err.errno === 'ETIMEDOUT') return timeoutError(req, link, timeoutMs);
  if (typeof err.modbusCode === 'number') {
    const code = err.modbusCode;
    return new ModbusRequestError(
      'exception',
      `Modbus unit ${req.unitId} answered ${describeRequest(req)} with exception ${code} (${exceptionName(code)}) (${link})`,
      req,
      link,
      { exceptionCode: code, cause: e },
    );
  }
  if (message === 'CRC error')
    return new ModbusRequestError('crc', `Modbus unit ${req.unitId}: reply to ${describeRequest(req)} failed its CRC check (${link})`, req, link, { cause: e });
  if (err.name === 'PortNotOpenError' || message === 'Port Not Open') return notConnectedError(req, link, 'is not open');
  return new ModbusRequestError('io', `Modbus unit ${req.unitId}: ${describeRequest(req)} failed: ${message} (${link})`, req, link, { cause: e });
}
