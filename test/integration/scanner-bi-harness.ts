// Shared by the scanner and BI-reader integration tests: a captured logger and a fast reconnect policy
// (events: test/helpers/events.ts; PTY pairs and cleanups: test/helpers/cleanups.ts).
import { BiReaderDriver } from '../../drivers/bi-reader/index.js';
import type { Transport } from '../../drivers/transport/transport.js';
import type { BackoffPolicy } from '../../vocabulary/backoff.js';
import type { Cleanups } from '../helpers/cleanups.js';
import { Events } from '../helpers/events.js';
import { captureLogger, type LogLine } from '../helpers/log-capture.js';

export const FAST: BackoffPolicy = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 };

export { captureLogger, type LogLine } from '../helpers/log-capture.js';

/** A BI-01 reader driver on `transport` with a captured logger, stopped at cleanup; resolves once its link is up. */
export async function startBiDriver(cleanups: Cleanups, transport: Transport): Promise<{ driver: BiReaderDriver; events: Events; logs: LogLine[] }> {
  const events = new Events();
  const { logger, logs } = captureLogger();
  const driver = new BiReaderDriver({ deviceId: 'BI-01', transport, logger, now: Date.now, onEvent: events.push });
  cleanups.add(() => driver.stop());
  await driver.start();
  await events.link(true);
  return { driver, events, logs };
}
