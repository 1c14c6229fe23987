// Shared by the scanner and BI-reader integration tests: a captured logger and a fast reconnect policy
// (events: test/helpers/events.ts; PTY pairs and cleanups: test/helpers/cleanups.ts).
import { type Logger, pino } from 'pino';
import type { BackoffPolicy } from '../../vocabulary/backoff.js';

export const FAST: BackoffPolicy = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 };

export interface LogLine {
  level: number;
  msg: string;
  reason?: string;
}

export function captureLogger(): { logger: Logger; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  return { logger, logs };
}
