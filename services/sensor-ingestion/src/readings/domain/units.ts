import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** The unit every reading of a standard sensor type carries once ingested. */
export const CANONICAL_UNIT = {
  [SensorType.SENSOR_TYPE_TEMPERATURE]: 'celsius',
  [SensorType.SENSOR_TYPE_HUMIDITY]: 'percent',
  [SensorType.SENSOR_TYPE_PRESSURE]: 'hpa',
  [SensorType.SENSOR_TYPE_MOTION]: 'count',
} as const;

export type StandardSensorType = keyof typeof CANONICAL_UNIT;

/** Custom sensors keep the unit they were sent with; this bounds what downstream has to store. */
export const MAX_CUSTOM_UNIT_LENGTH = 32;

type Conversion = (value: number) => number;
const same: Conversion = (value) => value;
const scale =
  (factor: number): Conversion =>
  (value) =>
    value * factor;

// Accepted spellings (compared trimmed and lower-cased) and how to get to the canonical unit.
const CONVERSIONS: Record<StandardSensorType, Readonly<Record<string, Conversion>>> = {
  [SensorType.SENSOR_TYPE_TEMPERATURE]: {
    celsius: same,
    c: same,
    '°c': same,
    fahrenheit: (f) => ((f - 32) * 5) / 9,
    f: (f) => ((f - 32) * 5) / 9,
    '°f': (f) => ((f - 32) * 5) / 9,
    kelvin: (k) => k - 273.15,
    k: (k) => k - 273.15,
  },
  [SensorType.SENSOR_TYPE_HUMIDITY]: { percent: same, '%': same },
  [SensorType.SENSOR_TYPE_PRESSURE]: {
    hpa: same,
    mbar: same,
    kpa: scale(10),
    pa: scale(0.01),
    bar: scale(1000),
    psi: scale(68.947572931683),
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
 * Converted values are cut to 15 significant digits so 101.325 kPa is 1013.25 hPa, not 1013.2499999999999.
 */
export function toCanonical(type: StandardSensorType, value: number, unit: string): number | undefined {
  const key = unit.trim().toLowerCase();
  const convert = Object.hasOwn(CONVERSIONS[type], key) ? CONVERSIONS[type][key] : undefined;
  if (convert === undefined) return undefined;
  const converted = convert === same ? value : Number(convert(value).toPrecision(15));
  return converted === 0 ? 0 : converted; // also turns -0 into 0
}
