// pino JSON logs, one event per line; readable output when stdout is a terminal. Secrets are redacted
// by key name wherever they appear, so a config object or an error context cannot leak them.
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'mqttPassword',
  '*.mqttPassword',
  'key',
  '*.key',
  'privateKey',
  '*.privateKey',
  'authorization',
  '*.authorization',
];

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  name?: string;
  destination?: pino.DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? process.env.STERILINK_LOG_LEVEL ?? 'info';
  const base = { name: opts.name ?? 'sterilink', level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (opts.destination) return pino(base, opts.destination);
  const pretty = opts.pretty ?? (process.stdout.isTTY === true && !process.env.CI);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' } } });
  }
  return pino(base);
}
