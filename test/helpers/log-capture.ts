// A pino logger whose JSON lines are kept, parsed, for the tests that check what a driver logs (and how often).
import { type Logger, pino } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  reason?: string;
}

/** A debug-level logger; `logs` holds every line it wrote. */
export function captureLogger(): { logger: Logger; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  return { logger, logs };
}
