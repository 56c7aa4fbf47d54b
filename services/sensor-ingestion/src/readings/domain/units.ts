import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** The unit every reading of a standard sensor type carries once ingested. */
export const CANONICAL_UNIT = {
  [SensorType.SENSOR_TYPE_TEMPERATURE]: 'celsius',
  [SensorType.SENSOR_TYPE_HUMIDITY]: 'percent',
  [SensorType.SENSOR_TYPE_PRESSURE]: 'hpa',
  [SensorType.SENSOR_TYPE_MOTION]: 'count',
} as const;

export type StandardSensorType = keyof typeof CANONICAL_UNIT;

/**
 * The longest unit a custom reading may carry. Nothing converts or keeps a custom unit: a custom
 * quantity is to be sent in one unit always (Reading.unit).
 */
export const MAX_CUSTOM_UNIT_LENGTH = 32;

type Conversion = (value: number) => number;
const same: Conversion = (value) => value;
const scale =
  (factor: number): Conversion =>
  (value) =>
    value * factor;

/**
 * a − b to the decimals that 15 significant digits of the larger of the two reach: beyond them is only
 * the binary rounding of the operands, which the difference of two close values would bring forward
 * (273.16 − 273.15 is 0.010000000000047748 in doubles).
 */
const minus = (a: number, b: number): number => {
  const integerDigits = Math.floor(Math.log10(Math.max(Math.abs(a), Math.abs(b)))) + 1;
  return Number((a - b).toFixed(Math.min(100, Math.max(0, 15 - integerDigits))));
};
const fromFahrenheit: Conversion = (f) => (minus(f, 32) * 5) / 9;
const fromKelvin: Conversion = (k) => minus(k, 273.15);

// Accepted spellings (compared trimmed and lower-cased) and how to get to the canonical unit.
const CONVERSIONS: Record<StandardSensorType, Readonly<Record<string, Conversion>>> = {
  [SensorType.SENSOR_TYPE_TEMPERATURE]: {
    celsius: same,
    c: same,
    '°c': same,
    fahrenheit: fromFahrenheit,
    f: fromFahrenheit,
    '°f': fromFahrenheit,
    kelvin: fromKelvin,
    k: fromKelvin,
  },
  [SensorType.SENSOR_TYPE_HUMIDITY]: { percent: same, '%': same },
  [SensorType.SENSOR_TYPE_PRESSURE]: {
    hpa: same,
    mbar: same,
    kpa: scale(10),
    pa: scale(0.01),
    bar: scale(1000),
    // 1 psi = 1 lbf/in² = 0.45359237 kg × 9.80665 m/s² / (0.0254 m)² = 6894.757293168361… Pa.
    psi: scale(68.94757293168361),
  },
  [SensorType.SENSOR_TYPE_MOTION]: { count: same, events: same, '': same },
};

export function isStandardSensorType(type: SensorType): type is StandardSensorType {
  return Object.hasOwn(CANONICAL_UNIT, type);
}

/** The units a sensor type accepts, for error messages. */
export function acceptedUnits(type: StandardSensorType): string[] {
  return Object.keys(CONVERSIONS[type]).map((unit) => (unit === '' ? '""' : unit));
}

/**
 * The value in the canonical unit of `type`, or undefined when `unit` is not one the type accepts.
 * Converted values are cut to 15 significant digits, and the offsets of °F and K subtracted to the
 * input's own 15 digits, so a conversion exact in decimal comes out exact (101.325 kPa is 1013.25 hPa,
 * not 1013.2499999999999; 273.16 K is 0.01 °C) and any other within a unit of the 15th digit.
 */
export function toCanonical(type: StandardSensorType, value: number, unit: string): number | undefined {
  const key = unit.trim().toLowerCase();
  const convert = Object.hasOwn(CONVERSIONS[type], key) ? CONVERSIONS[type][key] : undefined;
  if (convert === undefined) return undefined;
  const converted = convert === same ? value : Number(convert(value).toPrecision(15));
  return converted === 0 ? 0 : converted; // also turns -0 into 0
}
