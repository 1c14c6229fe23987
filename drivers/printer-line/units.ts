// Units a ticket may print, and their conversion to what every driver emits: °C and kPa absolute.
// Gauge units are relative to the site's barometric pressure (the device's `atmosphericKpa`).

/** How a profile's pressures are printed. `inHg-gauge` and `mmHg-gauge` are mostly vacuum scales (see `vacuumUnit`). */
export type PressureUnit = 'kPa-gauge' | 'kPa-abs' | 'psig' | 'psia' | 'bar-gauge' | 'bar-abs' | 'MPa-gauge' | 'MPa-abs' | 'mmHg-gauge' | 'inHg-gauge';
export type TemperatureUnit = 'C' | 'F';

interface UnitDef {
  readonly kpaPerUnit: number;
  readonly gauge: boolean;
}

const PRESSURE: Readonly<Record<PressureUnit, UnitDef>> = {
  'kPa-gauge': { kpaPerUnit: 1, gauge: true },
  'kPa-abs': { kpaPerUnit: 1, gauge: false },
  psig: { kpaPerUnit: 6.894757293168, gauge: true },
  psia: { kpaPerUnit: 6.894757293168, gauge: false },
  'bar-gauge': { kpaPerUnit: 100, gauge: true },
  'bar-abs': { kpaPerUnit: 100, gauge: false },
  'MPa-gauge': { kpaPerUnit: 1000, gauge: true },
  'MPa-abs': { kpaPerUnit: 1000, gauge: false },
  'mmHg-gauge': { kpaPerUnit: 0.133322387415, gauge: true },
  'inHg-gauge': { kpaPerUnit: 3.386388640341, gauge: true },
};

/** The first two keep their place: error messages list the units in this order. */
export const PRESSURE_UNITS: readonly PressureUnit[] = Object.keys(PRESSURE) as PressureUnit[];
export const GAUGE_PRESSURE_UNITS: readonly PressureUnit[] = PRESSURE_UNITS.filter((u) => PRESSURE[u].gauge);
export const TEMPERATURE_UNITS: readonly TemperatureUnit[] = ['C', 'F'];

/**
 * A printed pressure -> kPa absolute, rounded to 1 Pa (so 101.325 + (-82.0) is 19.325). A negative reading
 * is in `vacuumUnit` when the machine prints vacuum on its own scale (AMSCO: psig above atmosphere,
 * inches of mercury below it, both as one signed column).
 */
export function absoluteKpa(value: number, unit: PressureUnit, atmosphericKpa: number, vacuumUnit?: PressureUnit): number {
  const def = PRESSURE[value < 0 && vacuumUnit !== undefined ? vacuumUnit : unit];
  const kpa = value * def.kpaPerUnit + (def.gauge ? atmosphericKpa : 0);
  return Math.round(kpa * 1000) / 1000;
}

/** kPa absolute -> a reading in `unit` (the inverse of absoluteKpa, unrounded): for simulators and tests. */
export function fromAbsoluteKpa(kpaAbs: number, unit: PressureUnit, atmosphericKpa: number): number {
  const def = PRESSURE[unit];
  return (kpaAbs - (def.gauge ? atmosphericKpa : 0)) / def.kpaPerUnit;
}

/** A printed temperature -> °C; Fahrenheit is rounded to 1 mK, Celsius passes unchanged. */
export function celsius(value: number, unit: TemperatureUnit = 'C'): number {
  if (unit === 'C') return value;
  return Math.round((((value - 32) * 5) / 9) * 1000) / 1000;
}

export function fahrenheit(celsiusValue: number): number {
  return (celsiusValue * 9) / 5 + 32;
}

/**
 * A printed number: `134.2`, `-0.82`, `+28.9`, or with a decimal comma `134,2`. Anything else (a blank or
 * dashed column of a missing probe, `****`, `OPEN`) is null: no reading, never a parse failure.
 */
export function readNumber(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^[+-]?\d+(?:[.,]\d+)?$/.test(t)) return null;
  return Number(t.replace(',', '.'));
}
