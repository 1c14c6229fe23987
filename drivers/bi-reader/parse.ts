// The BI-reader parser: a PURE reducer, one line at a time -> DeviceEvents (docs/devices.md, "BI readers").
// No I/O and no clock: the receive time comes in through `ctx`. The state remembers, per well, the vial
// placed in it (from its START line), so a RESULT line needs to repeat nothing but the well and result.
//
//   START   -> `bi-start`                   (vial placed, incubation started)
//   RESULT  -> `bi-result`                  (control from its `control=` field or its START)
//   CONTROL -> `bi-result` with control     (the result of a positive-control vial)
//   CAUTION -> `bi-caution`                 (e.g. C2 early removal)
//   READER  -> nothing more                 (the reader's identity; kept as raw text)
// Every non-empty line also yields a `raw` event first, so the gateway keeps the reader's text verbatim.
// Anything else -> `parse-error`, from a small fixed set of reasons. Times (`at=`, `start=`) are ISO 8601
// with a zone (`Z` or ±hh:mm); a record without `at=` takes the receive time.

import { type DeviceEvent, truncateRaw } from '../../vocabulary/device-event.js';
import { type BiLine, splitBiLine } from './bi-line.js';

export interface BiParserContext {
  deviceId: string;
  /** Gateway receive time of the line, ms since the epoch. */
  recvTs: number;
  /** Refuse records without a ` *HH` checksum (a reader or converter known to send them). */
  requireChecksum?: boolean;
}

/** What a START line said about the vial in a well. */
export interface PlacedVial {
  readonly lot: string;
  readonly startedAt: number;
  readonly product?: string;
  readonly program?: string;
  readonly readoutMin?: number;
  readonly vial?: string;
  readonly control?: boolean;
}

export interface BiParserState {
  readonly wells: ReadonlyMap<string, PlacedVial>;
}

export interface BiParseResult {
  state: BiParserState;
  events: DeviceEvent[];
}

/** Wells remembered at most; a reader has 1–12 (Bionova), the oldest placement is forgotten beyond this. */
export const MAX_WELLS = 64;

export const BI_PARSE_ERROR_REASONS = {
  unrecognized: 'unrecognized line',
  checksum: 'checksum mismatch',
  noChecksum: 'record without a checksum',
  syntax: 'malformed BI line',
  repeated: 'repeated field',
  unknownRecord: 'unknown BI record',
  wellOccupied: 'START in a well whose previous vial has no result',
  missingWell: 'missing or invalid well',
  missingLot: 'missing or invalid lot',
  missingResult: 'missing or invalid result',
  missingCode: 'missing or invalid caution code',
  badField: 'invalid field value',
} as const;
export type BiParseErrorReason = (typeof BI_PARSE_ERROR_REASONS)[keyof typeof BI_PARSE_ERROR_REASONS];

const WELL = /^[A-Za-z0-9-]{1,8}$/;
const LOT = /^[A-Za-z0-9._/-]{1,20}$/;
const NAME = /^[A-Za-z0-9._/+-]{1,32}$/;
const CODE = /^[A-Za-z0-9-]{1,8}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})$/;
const MINUTES = /^\d{1,5}$/;
/** Longest plausible incubation, minutes (7 days: visual pH readout of the oldest BIs is 48 h). */
const MAX_MINUTES = 7 * 24 * 60;

const RESULTS: Readonly<Record<string, 'negative' | 'positive' | 'invalid'>> = {
  NEG: 'negative',
  NEGATIVE: 'negative',
  '-': 'negative',
  POS: 'positive',
  POSITIVE: 'positive',
  '+': 'positive',
  INV: 'invalid',
  INVALID: 'invalid',
};

export function initialBiParserState(): BiParserState {
  return { wells: new Map() };
}

class FieldError extends Error {
  constructor(readonly reason: BiParseErrorReason) {
    super(reason);
  }
}

export function parseBiLine(state: BiParserState, raw: string, ctx: BiParserContext): BiParseResult {
  if (raw.trim() === '') return { state, events: [] };
  const events: DeviceEvent[] = [{ kind: 'raw', deviceId: ctx.deviceId, ts: ctx.recvTs, line: raw }];
  const fail = (reason: BiParseErrorReason): BiParseResult => {
    events.push({ kind: 'parse-error', deviceId: ctx.deviceId, ts: ctx.recvTs, raw: truncateRaw(raw), reason });
    return { state, events };
  };
  const split = splitBiLine(raw);
  if (!split.ok) return fail(split.reason);
  if (ctx.requireChecksum && !split.line.checked) return fail(BI_PARSE_ERROR_REASONS.noChecksum);
  try {
    return apply(state, split.line, ctx, events);
  } catch (e) {
    if (e instanceof FieldError) return fail(e.reason);
    throw e;
  }
}

function apply(state: BiParserState, line: BiLine, ctx: BiParserContext, events: DeviceEvent[]): BiParseResult {
  const f = new Fields(line.fields);
  const base = { deviceId: ctx.deviceId, ts: ctx.recvTs };
  switch (line.verb) {
    case 'READER':
      return { state, events };
    case 'START': {
      const well = f.required('well', WELL, BI_PARSE_ERROR_REASONS.missingWell);
      const lot = f.required('lot', LOT, BI_PARSE_ERROR_REASONS.missingLot);
      const placed: PlacedVial = {
        lot,
        startedAt: f.time('at') ?? ctx.recvTs,
        ...opt('product', f.optional('product', NAME)),
        ...opt('program', f.optional('prog', NAME)),
        ...opt('readoutMin', f.minutes('readout')),
        ...opt('vial', f.optional('vial', NAME)),
        ...opt('control', f.flag('control')),
      };
      if (state.wells.has(well)) {
        events.push({
          kind: 'parse-error',
          ...base,
          raw: truncateRaw(`well ${well}: vial of lot ${state.wells.get(well)?.lot ?? '?'} replaced without a result`),
          reason: BI_PARSE_ERROR_REASONS.wellOccupied,
        });
      }
      events.push({ kind: 'bi-start', ...base, well, ...placed });
      return { state: { wells: withWell(state.wells, well, placed) }, events };
    }
    case 'RESULT':
    case 'CONTROL': {
      const well = f.required('well', WELL, BI_PARSE_ERROR_REASONS.missingWell);
      const word = f.value('result')?.toUpperCase();
      const result = word === undefined ? undefined : RESULTS[word];
      if (result === undefined) throw new FieldError(BI_PARSE_ERROR_REASONS.missingResult);
      const placed = state.wells.get(well);
      const readAt = f.time('at') ?? ctx.recvTs;
      const startedAt = f.time('start') ?? placed?.startedAt;
      const control = line.verb === 'CONTROL' ? true : (f.flag('control') ?? placed?.control);
      const incubationMin =
        f.minutes('incubation') ?? (startedAt !== undefined ? Math.max(0, Math.round((readAt - startedAt) / 60_000)) : placed?.readoutMin) ?? 0;
      const product = f.optional('product', NAME) ?? placed?.product;
      const vial = f.optional('vial', NAME) ?? placed?.vial;
      const caution = f.optional('caution', CODE);
      events.push({
        kind: 'bi-result',
        ...base,
        well,
        // A result whose lot is unknown (no START seen, e.g. the gateway started mid-incubation) is still
        // reported, with an empty lot: a positive must never be lost. It cannot count towards a release.
        lot: f.optional('lot', LOT) ?? placed?.lot ?? '',
        result,
        readAt,
        incubationMin,
        ...opt('vial', vial),
        ...opt('control', control),
        ...opt('caution', caution),
        ...opt('product', product),
        ...opt('startedAt', startedAt),
      });
      return { state: placed ? { wells: withoutWell(state.wells, well) } : state, events };
    }
    case 'CAUTION': {
      const well = f.required('well', WELL, BI_PARSE_ERROR_REASONS.missingWell);
      const code = f.required('code', CODE, BI_PARSE_ERROR_REASONS.missingCode);
      const placed = state.wells.get(well);
      const lot = f.optional('lot', LOT) ?? placed?.lot;
      const vial = f.optional('vial', NAME) ?? placed?.vial;
      events.push({
        kind: 'bi-caution',
        ...base,
        well,
        code,
        text: f.value('text') ?? '',
        at: f.time('at') ?? ctx.recvTs,
        ...opt('lot', lot),
        ...opt('vial', vial),
      });
      return { state, events };
    }
    default:
      throw new FieldError(BI_PARSE_ERROR_REASONS.unknownRecord);
  }
}

/** `{[key]: value}` when value is defined, else `{}`: optional properties stay absent, never undefined. */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function withWell(wells: ReadonlyMap<string, PlacedVial>, well: string, placed: PlacedVial): ReadonlyMap<string, PlacedVial> {
  const next = new Map(wells);
  next.delete(well);
  next.set(well, placed);
  while (next.size > MAX_WELLS) {
    const oldest = next.keys().next().value;
    if (oldest === undefined) break;
    next.delete(oldest);
  }
  return next;
}

function withoutWell(wells: ReadonlyMap<string, PlacedVial>, well: string): ReadonlyMap<string, PlacedVial> {
  const next = new Map(wells);
  next.delete(well);
  return next;
}

/** Date.parse rolls 2026-02-30 over to March; a reader's date must name a real day. */
function realDay(iso: string): boolean {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Typed access to a line's fields; a present but malformed value throws a FieldError. */
class Fields {
  constructor(private readonly fields: ReadonlyMap<string, string>) {}

  value(key: string): string | undefined {
    return this.fields.get(key);
  }

  required(key: string, pattern: RegExp, reason: BiParseErrorReason): string {
    const v = this.fields.get(key);
    if (v === undefined || !pattern.test(v)) throw new FieldError(reason);
    return v;
  }

  optional(key: string, pattern: RegExp): string | undefined {
    const v = this.fields.get(key);
    if (v === undefined) return undefined;
    if (!pattern.test(v)) throw new FieldError(BI_PARSE_ERROR_REASONS.badField);
    return v;
  }

  time(key: string): number | undefined {
    const v = this.fields.get(key);
    if (v === undefined) return undefined;
    const ms = ISO.test(v) && realDay(v) ? Date.parse(v) : Number.NaN;
    if (!Number.isFinite(ms)) throw new FieldError(BI_PARSE_ERROR_REASONS.badField);
    return ms;
  }

  minutes(key: string): number | undefined {
    const v = this.fields.get(key);
    if (v === undefined) return undefined;
    const n = MINUTES.test(v) ? Number(v) : Number.NaN;
    if (!(n >= 0 && n <= MAX_MINUTES)) throw new FieldError(BI_PARSE_ERROR_REASONS.badField);
    return n;
  }

  flag(key: string): boolean | undefined {
    const v = this.fields.get(key);
    if (v === undefined) return undefined;
    if (v !== '0' && v !== '1') throw new FieldError(BI_PARSE_ERROR_REASONS.badField);
    return v === '1';
  }
}
