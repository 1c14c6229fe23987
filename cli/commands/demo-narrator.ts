// What the demo tells its watcher: the records the gateway publishes, read back from the broker the way a
// hospital system receives them, each as one line a person reads (a release decision, a BI result, a recall,
// an alarm). Cycle verdicts are printed by the demo itself the moment they are recorded.
import mqtt, { type MqttClient } from 'mqtt';

/** The words for a release status, as a head nurse says them. */
const STATUS_WORDS: Readonly<Record<string, string>> = {
  released: 'released',
  released_early: 'RELEASED EARLY',
  quarantined: 'QUARANTINED',
  'awaiting-bi': 'held for its BI',
  'awaiting-ci': 'held for its chemical indicator',
  'awaiting-bd': 'held: no Bowie–Dick test passed today',
  pending: 'waiting for its release decision',
  recalled: 'RECALLED',
};

type Body = Record<string, unknown>;
const str = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const count = (x: unknown): number => (Array.isArray(x) ? x.length : 0);
/** Record ids mean something to a program, not to the person watching: the record carries them anyway. */
const withoutRecordIds = (text: string): string => text.replace(/\s*\((?:[a-z]+ )?record [0-9a-f-]{36}\)/g, '').replace(/ [0-9a-f]{8}-[0-9a-f-]{27}/g, '');

/** One human line for a published record, or null for records the demo does not narrate. */
export function narrate(type: string, record: { device?: unknown; body?: unknown }): string | null {
  const b = (record.body && typeof record.body === 'object' ? record.body : {}) as Body;
  const device = str(record.device) ?? str(b.device) ?? '-';
  switch (type) {
    case 'release': {
      const status = str(b.status) ?? '?';
      const cycleNo = num(b.cycleNo);
      const items = b.load && typeof b.load === 'object' ? count((b.load as Body).items) : 0;
      const load = `load${items ? ` of ${items} item(s)` : ''}`;
      const reason = withoutRecordIds(str(b.reason) ?? str(b.reasonCode) ?? 'no reason given');
      const dev = str(b.device) ?? device;
      if (cycleNo === null && status === 'pending') return `${dev}  next ${load}: ${reason}`;
      const given = b.givenReason && typeof b.givenReason === 'object' ? str((b.givenReason as Body).code) : null;
      const what =
        status === 'released_early'
          ? `${load} RELEASED EARLY by ${str(b.operator) ?? '?'}${given ? ` (reason ${given})` : ''} on a passing class-5 indicator; its BI still incubates`
          : status.startsWith('awaiting-') && reason.startsWith('held')
            ? `${load} ${reason}`
            : `${load} ${STATUS_WORDS[status] ?? status}: ${reason}`;
      return `${dev}  cycle ${cycleNo ?? '-'}: ${what}`;
    }
    case 'recall': {
      const trigger = (b.trigger && typeof b.trigger === 'object' ? b.trigger : {}) as Body;
      const why = str(trigger.indicator) ? `a ${str(trigger.indicator)} indicator failed after release` : 'a BI read positive';
      return `${device}  RECALL: ${why}; ${count(b.items)} item(s) in ${count(b.loads)} load(s) to bring back (every load since the last negative BI)`;
    }
    case 'bi': {
      const result = (str(b.result) ?? '?').toUpperCase();
      const lot = str(b.lot) ?? '?';
      if (b.role === 'control') return `${device}  BI positive control of lot ${lot}: ${result}`;
      const valid = b.valid === true ? '' : ` (not valid: ${str(b.reason) ?? 'see the record'})`;
      const load =
        str(b.device) && num(b.cycleNo) !== null ? ` for ${str(b.device)} cycle ${num(b.cycleNo)}` : str(b.device) ? ` for a load of ${str(b.device)}` : '';
      return `${device}  BI vial ${str(b.vial) ?? '?'} of lot ${lot}${load}: ${result}${valid}`;
    }
    case 'alarm':
      return `${device}  ALARM ${str(b.code) ?? '?'}: ${str(b.text) ?? ''}`;
    default:
      return null;
  }
}

/** Subscribes to the gateway's records on its broker and says each one in a line. */
export class DemoNarrator {
  private client: MqttClient | null = null;

  constructor(private readonly opts: { url: string; root: string; clientId: string; say: (line: string) => void; onError: (e: Error) => void }) {}

  start(): void {
    const client = mqtt.connect(this.opts.url, { clientId: this.opts.clientId, clean: true, reconnectPeriod: 1000 });
    client.on('connect', () => client.subscribe(`${this.opts.root}/records/#`, { qos: 1 }));
    client.on('error', (e) => this.opts.onError(e));
    client.on('message', (topic, payload, packet) => {
      if (packet.retain) return;
      let record: unknown;
      try {
        record = JSON.parse(payload.toString('utf8'));
      } catch {
        return; // the gateway publishes JSON only; anything else is not ours to narrate
      }
      if ((record as { historical?: unknown }).historical === true) return; // a replay repeats what was said
      const line = narrate(topic.slice(topic.lastIndexOf('/') + 1), record as { device?: unknown; body?: unknown });
      if (line) this.opts.say(line);
    });
    this.client = client;
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
    this.client = null;
  }
}
