// How to reach a Modbus device: the link settings of `modbus:` in the config, their key (devices with
// equal keys share one connection: one RS-485 bus, one TCP gateway), a description for logs, and the
// problems with a set of them.

export type ModbusMode = 'tcp' | 'rtu' | 'rtu-over-tcp';

export interface ModbusLinkSettings {
  mode: ModbusMode;
  /** tcp, rtu-over-tcp. */
  host?: string;
  /** tcp (default 502), rtu-over-tcp (required). */
  port?: number;
  /** rtu: serial device path. */
  path?: string;
  /** rtu. Default 9600, 8 data bits, no parity, 1 stop bit. */
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits?: 1 | 2;
}

/** `modbus-tcp://host:port`, `modbus-rtu:/dev/ttyUSB0@9600`, `modbus-rtu-over-tcp://host:port`. */
export function describeLink(s: ModbusLinkSettings): string {
  if (s.mode === 'rtu') return `modbus-rtu:${s.path ?? '?'}@${s.baudRate ?? 9600}`;
  return `modbus-${s.mode}://${s.host ?? '?'}:${s.port ?? (s.mode === 'tcp' ? 502 : '?')}`;
}

/** Devices whose settings give the same key share one connection (one RS-485 bus, one TCP gateway). */
export function linkKey(s: ModbusLinkSettings): string {
  return s.mode === 'rtu' ? `rtu:${s.path ?? ''}` : `${s.mode}:${s.host ?? ''}:${s.port ?? 502}`;
}

/** Missing or contradictory settings, as `field: expected …, found …`. */
export function validateLinkSettings(s: ModbusLinkSettings): string[] {
  const problems: string[] = [];
  if (s.mode === 'rtu') {
    if (!s.path)
      problems.push(`path: expected the serial device of the RS-485 bus (mode rtu), found ${s.path === undefined ? 'nothing' : JSON.stringify(s.path)}`);
  } else {
    if (!s.host) problems.push(`host: expected a host name or address (mode ${s.mode}), found ${s.host === undefined ? 'nothing' : JSON.stringify(s.host)}`);
    if (s.mode === 'rtu-over-tcp' && s.port === undefined)
      problems.push("port: expected the serial device server's TCP port (mode rtu-over-tcp), found nothing");
  }
  if (s.port !== undefined && !(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535)) problems.push(`port: expected 1..65535, found ${s.port}`);
  return problems;
}
