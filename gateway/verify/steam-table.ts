// IAPWS-IF97 region 4: the saturation line of water, pure functions.
// Equations 30 (p_s(T)) and 31 (T_s(p)) of IAPWS R7-97 "IF97-Rev", coefficients of its table 34.
// Inputs outside the equations' validity give NaN, never an extrapolated number: a deep vacuum
// below the triple-point pressure has no saturation temperature, and the verifier must not invent one.

const n = [
  0, // 1-based like the standard
  0.11670521452767e4,
  -0.72421316703206e6,
  -0.17073846940092e2,
  0.1202082470247e5,
  -0.32325550322333e7,
  0.1491510861353e2,
  -0.48232657361591e4,
  0.40511340542057e6,
  -0.23855557567849,
  0.65017534844798e3,
] as const;

const c = (i: number): number => n[i] as number;

/** Validity of region 4 (IF97): temperature in kelvin. */
export const T_MIN_K = 273.15;
export const T_MAX_K = 647.096;
/** Validity of region 4 (IF97): pressure in MPa. */
export const P_MIN_MPA = 611.213e-6;
export const P_MAX_MPA = 22.064;

/** Saturation pressure in MPa at temperature T in kelvin (IF97 eq. 30). NaN outside 273.15..647.096 K. */
export function saturationPressureMPa(tK: number): number {
  if (!(tK >= T_MIN_K && tK <= T_MAX_K)) return Number.NaN;
  const theta = tK + c(9) / (tK - c(10));
  const a = theta * theta + c(1) * theta + c(2);
  const b = c(3) * theta * theta + c(4) * theta + c(5);
  const cc = c(6) * theta * theta + c(7) * theta + c(8);
  return ((2 * cc) / (-b + Math.sqrt(b * b - 4 * a * cc))) ** 4;
}

/** Saturation temperature in kelvin at pressure p in MPa (IF97 eq. 31). NaN outside 611.213 Pa..22.064 MPa. */
export function saturationTemperatureK(pMPa: number): number {
  if (!(pMPa >= P_MIN_MPA && pMPa <= P_MAX_MPA)) return Number.NaN;
  const beta = pMPa ** 0.25;
  const e = beta * beta + c(3) * beta + c(6);
  const f = c(1) * beta * beta + c(4) * beta + c(7);
  const g = c(2) * beta * beta + c(5) * beta + c(8);
  const d = (2 * g) / (-f - Math.sqrt(f * f - 4 * e * g));
  return (c(10) + d - Math.sqrt((c(10) + d) * (c(10) + d) - 4 * (c(9) + c(10) * d))) / 2;
}

/** Saturation pressure in kPa absolute at a temperature in °C. */
export function psatKpa(tempC: number): number {
  return saturationPressureMPa(tempC + 273.15) * 1000;
}

/** Saturation temperature in °C at an absolute pressure in kPa. */
export function tsatC(pressureKpaAbs: number): number {
  return saturationTemperatureK(pressureKpaAbs / 1000) - 273.15;
}
