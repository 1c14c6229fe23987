// The configuration contract (config/examples/site.example.yaml, docs/operations.md): one zod schema gives the types, the defaults and the
// validation. Unknown keys are errors, so a typo ("baudrate") is reported instead of ignored.
import { z } from 'zod';
import { REASON_CODE } from '../gateway/load/given-reason.js';
import { retentionSchema } from './retention-config.js';

const name = z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" or "-"');

export const serialSchema = z.strictObject({
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(9600),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
});

export const tcpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});

export const modbusSchema = z.strictObject({
  mode: z.enum(['tcp', 'rtu', 'rtu-over-tcp']),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  path: z.string().min(1).optional(),
  baudRate: z.number().int().positive().default(9600),
  /** RTU line settings (8N1 unless the machine says otherwise, e.g. 8E1 is common on PLCs). */
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  unitId: z.number().int().min(0).max(255).default(1),
  pollMs: z.number().int().min(10).default(1000),
  timeoutMs: z.number().int().min(10).default(1000),
  /** A register map (drivers/modbus/README.md); default the built-in map (docs/devices.md). */
  map: z.unknown().optional(),
  /** Identical temperature readings in a row (while the phase says it must change) that make a stale-sensor alarm. */
  staleAfter: z.number().int().min(2).optional(),
});

export const DEVICE_TYPES = ['steam-sterilizer', 'washer-disinfector', 'scanner', 'bi-reader'] as const;
export const DRIVERS = ['printer-line', 'modbus', 'scanner-line', 'hid', 'bi-reader'] as const;
export const SCAN_SUFFIX_NAMES = ['auto', 'cr', 'lf', 'crlf', 'tab'] as const;

export const hidSchema = z.strictObject({
  /** /dev/input/by-id/...-event-kbd of a scanner dedicated to the gateway (docs/devices.md). */
  path: z.string().min(1),
  /** input_event record size: 24 on 64-bit kernels, 16 on 32-bit; default from the platform. */
  layout: z.union([z.literal(16), z.literal(24)]).optional(),
  /** F-key -> text, e.g. { F8: "\u001d" } for a scanner that sends GS as F8. */
  functionKeys: z.record(z.string().regex(/^F([1-9]|1\d|2[0-4])$/, 'F1..F24'), z.string()).optional(),
});

export const deviceSchema = z.strictObject({
  id: name,
  type: z.enum(DEVICE_TYPES),
  driver: z.enum(DRIVERS),
  /** A built-in profile name (docs/devices.md) or the path of a site profile file (.yaml). */
  profile: z.string().min(1).optional(),
  serial: serialSchema.optional(),
  tcp: tcpSchema.optional(),
  modbus: modbusSchema.optional(),
  hid: hidSchema.optional(),
  /** Scanners: the sterilizer or washer whose loads this scanner fills. */
  station: name.optional(),
  /** Scanners: the suffix the scanner is configured to send after each code. */
  suffix: z.enum(SCAN_SUFFIX_NAMES).default('auto'),
  /** Steam sterilizers: loads need a passing Bowie–Dick test since local midnight (default true for steam). */
  dailyBowieDick: z.boolean().optional(),
  /** Steam sterilizers: loads need a passing leak test since local midnight (default false). */
  dailyLeakTest: z.boolean().optional(),
  /** BI readers: refuse lines without the *HH checksum. */
  requireChecksum: z.boolean().default(false),
  /** Program used when the device does not report one. */
  program: z.string().min(1).optional(),
  /** Device program number -> program id. */
  programMap: z.record(z.string().regex(/^\d+$/, 'a program number'), z.string().min(1)).optional(),
  chamberLitres: z.number().positive().optional(),
  /** Local mean barometric pressure, for gauge pressure readings. */
  atmosphericKpa: z.number().min(50).max(120).default(101.325),
  /** A cycle is closed after this many seconds of silence on the line (gateway clock). */
  idleTimeoutS: z.number().positive().default(1800),
  /** Raise a `clock-drift` alarm when the device clock and the gateway clock differ by more than
   * this many seconds; 0 turns the check off (e.g. for accelerated simulators). */
  clockDriftAlarmS: z.number().min(0).default(300),
  /** Text encoding of the device's output; default the profile's (utf-8 for most, gb18030 for prevac-ticket-zh). */
  encoding: z.string().min(1).optional(),
  maxLineBytes: z.number().int().min(64).default(4096),
});

const brokerUrl = z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/.+$/, 'mqtt://host:port or mqtts://host:port');

export const mqttSchema = z
  .strictObject({
    /** One broker (or "embedded"). Exactly one of `url` and `urls` is set. */
    url: z
      .string()
      .regex(/^(embedded|(mqtts?|wss?|tcp|ssl):\/\/.+)$/, 'mqtt://host:port, mqtts://host:port or "embedded"')
      .optional(),
    /** The nodes of one clustered broker, in order of preference: the gateway connects to the first that
     * answers and moves to the next when the connection is lost (docs/deployment.md). */
    urls: z.array(brokerUrl).min(1).optional(),
    clientId: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    /** File holding the broker password; STERILINK_MQTT_PASSWORD overrides it. */
    passwordFile: z.string().min(1).optional(),
    tls: z.strictObject({ ca: z.string().min(1).optional(), cert: z.string().min(1).optional(), key: z.string().min(1).optional() }).optional(),
    protocolVersion: z.union([z.literal(5), z.literal(4)]).default(5),
    /** Allow a password over an unencrypted connection to a non-loopback broker. */
    allowInsecure: z.boolean().default(false),
    /** Maximum QoS 1 records in flight. */
    window: z.number().int().min(1).max(10_000).default(64),
  })
  .superRefine((m, ctx) => {
    // Both set would leave a reader guessing which one the gateway uses: refused, not ranked.
    if (m.url !== undefined && m.urls !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['urls'], message: 'expected either url (one broker) or urls (the nodes of a cluster), not both' });
    } else if (m.url === undefined && m.urls === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'expected url (one broker) or urls (the nodes of a cluster)' });
    }
  });

/** The broker URLs to try, in order: `urls`, or `url` alone. */
export { brokerUrls } from './broker-urls.js';

/** The CSSD release rules (gateway/load/README.md). Every key optional. */
export const releaseSchema = z.strictObject({
  /** IANA time zone for "since local midnight" and "the same day"; default the system's. */
  timeZone: z.string().min(1).optional(),
  /** Operator ids allowed to scan an emergency (early) release and to correct an indicator result. */
  authorisedOperators: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'an operator id')).default([]),
  /** Reason code -> text: the reasons an operator scans (CMD:REASON:<CODE>) before an early release or a
   * correction; the release record carries code, text and operator. Needed when authorisedOperators is set. */
  reasons: z.record(z.string().regex(REASON_CODE, 'a reason code (A-Z, 0-9, "_", "-"; at most 32)'), z.string().trim().min(1)).default({}),
  /** Programs whose loads need a chemical-indicator result (CMD:CI-PASS) before release; "*" = all. */
  ciRequiredPrograms: z.array(z.string().min(1)).default([]),
  /** Implant loads wait for a valid negative BI (default true; then `implants` must recognise them). */
  biForImplants: z.boolean().optional(),
  biForVialLoads: z.boolean().default(true),
  holdAfterPositiveBi: z.boolean().default(true),
  implants: z
    .strictObject({
      gtinPrefixes: z.array(z.string().regex(/^\d{1,14}$/, 'digits of a GTIN-14 prefix')).default([]),
      hibcPrefixes: z.array(z.string().regex(/^\+?[A-Z0-9]{4,}$/, 'an HIBC LIC (+ product) prefix')).default([]),
      /** Exact codes of implants: GTIN-14, internal pack code, GIAI (AI 8004) or HIBC `+LIC+product`. */
      items: z.array(z.string().trim().min(1)).default([]),
      pattern: z.string().min(1).optional(),
    })
    .optional(),
  biProducts: z
    .strictObject({
      gtins: z.array(z.string().regex(/^\d{14}$/, 'a GTIN-14')).default([]),
      pattern: z.string().min(1).optional(),
    })
    .optional(),
  wellPrefix: z.string().min(1).default('WELL:'),
  defaultReader: name.optional(),
  sessionIdleMin: z.number().positive().default(30),
  placementWindowMin: z.number().positive().default(10),
  internalPattern: z.string().min(1).optional(),
});

const badgeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'a badge id');

/** Loaner (外来) instrument sets (gateway/load/README.md "Loaner sets", docs/loaner-sets.md). Off when absent. */
export const loanerSchema = z.strictObject({
  /** Stations that are loaner desks (receiving, packing check, return), not machines; scanners bind to them with `station:`. */
  desks: z.array(name).min(1),
  /** Vendor id -> its company name and the badge ids of its trained representatives (badges VR:<id>). No person's name. */
  vendors: z.record(
    name,
    z.strictObject({
      name: z.string().trim().min(1).optional(),
      representatives: z.array(badgeId).min(1),
    }),
  ),
  /** A representative badge is this prefix and the badge id. */
  representativePrefix: z.string().min(1).default('VR:'),
  /** What a loaner set's (or basket's) label looks like; the codes become topic levels, so [A-Za-z0-9_-] only. */
  setPattern: z.string().min(1).optional(),
  /** What a confirmation card's reference looks like (besides: a digit, no spaces, at most 64 characters). */
  caseRefPattern: z.string().min(1).optional(),
  /** The operation's due time when none is scanned (DUE:…): this many hours after receipt. */
  defaultDueH: z.number().positive().default(24),
  /** A set not returned this many hours after its operation's due time raises an alarm. */
  returnWithinH: z.number().positive().default(48),
  /** From the cycle start until the load's BI can be read (minutes): loading a set due earlier raises a warning. */
  biReadoutMin: z.number().positive().default(180),
});

/** A site's program: a preset with some numbers changed, or a new id starting from `base`. The
 * numbers are checked by gateway/verify (programProblems). */
export const programOverrideSchema = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a program id ([A-Za-z0-9_.-]+)'),
  base: z.string().min(1).optional(),
});

/** A password or token hash as `scrypt$N$r$p$salt$hash` (base64 salt and hash; docs/operations.md). */
export const SCRYPT_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;
const scryptHash = z.string().regex(SCRYPT_HASH, 'an scrypt hash "scrypt$N$r$p$salt$hash" (never the password itself)');

/** The web page and its server (docs/web.md): off when absent. */
export const httpSchema = z.strictObject({
  /** HOST:PORT; a host that is not loopback needs `auth`. */
  listen: z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'HOST:PORT, e.g. 127.0.0.1:8080'),
  /** false: the listener serves only /metrics, /healthz and /readyz (no web page, no live board in memory). */
  page: z.boolean().default(true),
  /** /readyz (and the status payload's health) says not ready when the oldest undelivered record is older than this (s). */
  readyMaxOutboxAgeS: z.number().positive().default(600),
  auth: z
    .strictObject({
      /** Hash of the bearer token (the token itself comes from tokenFile or STERILINK_HTTP_TOKEN). */
      token: scryptHash.optional(),
      /** File holding the bearer token; STERILINK_HTTP_TOKEN overrides it. */
      tokenFile: z.string().min(1).optional(),
      /** Basic-auth users with scrypt password hashes. */
      users: z
        .array(z.strictObject({ name: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'a user name'), password: scryptHash }))
        .min(1)
        .optional(),
    })
    .optional(),
});

/** The data folder's disk (docs/operations.md, "A full disk" and "Line noise"). */
export const storageSchema = z.strictObject({
  /** MiB kept as a reserve file in dataDir; released when the disk fills, so records still commit. 0: none. */
  reserveMiB: z.number().min(0).max(4096).default(16),
  /** Unparsed or blank device lines outside a cycle stored per device per local day; the rest is counted. */
  noiseSamplePerDay: z.number().int().min(0).max(1_000_000).default(100),
  /** Seconds between two batch writes of samples and raw lines (a cycle record writes them at once). The
   * SD card's wear against what a crash or power cut can lose (docs/performance.md, "SD card"). */
  sampleFlushS: z.number().min(0.05).max(300).default(30),
});
export const STORAGE_DEFAULTS = { reserveMiB: 16, noiseSamplePerDay: 100, sampleFlushS: 30 } as const;

export const UI_LOCALES = ['en', 'zh-CN'] as const;
export const uiSchema = z.strictObject({
  /** Language of the web page and the printed report (the page also has a switch). */
  locale: z.enum(UI_LOCALES).default('en'),
});

export const configSchema = z.strictObject({
  version: z.literal(1).default(1),
  site: name,
  gateway: name,
  dataDir: z.string().min(1).default('./data'),
  mqtt: mqttSchema,
  devices: z.array(deviceSchema).default([]),
  release: releaseSchema.optional(),
  loaner: loanerSchema.optional(),
  programs: z.array(programOverrideSchema).default([]),
  http: httpSchema.optional(),
  ui: uiSchema.default({ locale: 'en' }),
  /** How long the store keeps what (config/retention-config.ts); defaults when absent. */
  retention: retentionSchema.default(retentionSchema.parse({})),
  storage: storageSchema.default(STORAGE_DEFAULTS),
});

export type GatewayConfig = z.output<typeof configSchema>;
export type DeviceConfig = z.output<typeof deviceSchema>;
export type MqttConfig = z.output<typeof mqttSchema>;
export type HttpConfig = z.output<typeof httpSchema>;
export type StorageConfig = z.output<typeof storageSchema>;
