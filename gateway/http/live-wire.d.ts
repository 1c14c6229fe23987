// What the live feed (/api/live, Server-Sent Events) carries to the browser: the contract between
// gateway/http/board-model.ts and web/src/board.ts. Types only (a declaration file: nothing to emit),
// so the gateway and the browser code, compiled by two tsconfigs, read the same definitions.

/** [seconds from the cycle's first sample (device time), T drain °C, T load °C, p kPa]. */
export type CurvePoint = [number, number | null, number | null, number | null];

export interface TileReading {
  /** Device time of the sample (ISO). */
  ts: string;
  temp_c: number | null;
  temp2_c: number | null;
  pressure_kpa: number | null;
  tsat_c: number | null;
  /** T drain − T_sat(p), K. */
  tsatDiffK: number | null;
}

export interface TileHold {
  /** The current run in band (in the hold phase), else the longest run of the cycle. */
  seconds: number;
  requiredS: number;
  inPhase: boolean;
  inBand: boolean;
  /** Start of the current run, seconds from the cycle's first sample (for the chart's window). */
  startS: number | null;
}

export interface TileA0 {
  /** A0 accumulated so far in the disinfect phase (s), coldest channel, as the verifier counts it. */
  value: number;
  min: number;
}

export interface TileVerdict {
  recordId: string;
  seq: number;
  cycleNo: number | string | null;
  program: string | null;
  verdict: string;
  failed: string[];
  endedAt: string | null;
}

export interface TileAlarm {
  code: string;
  text: string;
  at: string;
}

export interface Tile {
  id: string;
  /** steam-sterilizer | washer-disinfector | scanner | bi-reader */
  type: string;
  link: 'up' | 'down' | 'unknown';
  phase: string | null;
  program: string | null;
  programTitle: string | null;
  cycleNo: number | string | null;
  /** A cycle is running (its curve grows). */
  running: boolean;
  /** When the device's state last changed (gateway time, ISO). */
  since: string | null;
  /** Identifies the cycle the curve belongs to; a new key starts a new curve. */
  cycleKey: string | null;
  /** Device-time seconds since the cycle's first sample. */
  elapsedS: number | null;
  reading: TileReading | null;
  hold: TileHold | null;
  a0: TileA0 | null;
  /** The program's temperature band (°C) for the chart. */
  band: { lo: number; hi: number } | null;
  /** Alarms of the running (or last) cycle, newest first. */
  alarms: TileAlarm[];
  last: TileVerdict | null;
}

export interface LiveCurve {
  key: string;
  points: CurvePoint[];
}

/** event `snapshot`: everything, on connect. */
export interface BoardSnapshot {
  site: string;
  gateway: string;
  tiles: Tile[];
  curves: Record<string, LiveCurve>;
}

/** event `samples`: new points of one device's running cycle (coalesced) and its tile after them. */
export interface SamplesEvent {
  tile: Tile;
  key: string;
  points: CurvePoint[];
}

/** event `tile`: a device's tile changed (state, alarm, verdict). */
export type TileEvent = Tile;
