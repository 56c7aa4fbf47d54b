import {
  CONTROL_CHARACTERS,
  DEVICE_ID_PATTERN,
  DEVICE_ID_RULE,
  MAP_KEY,
  MAP_KEY_RULE,
  READING_ID,
  VISIBLE_CHARACTER,
} from '@iot-mesh/platform';
import { z } from 'zod';
import { isInfiniteNumber } from './parse-body.js';
import { enumField } from './proto-enums.js';

// Request bodies of the REST API in proto3 JSON form (camelCase, enums by name or number, RFC 3339 times).
// They reject wrong types and unknown fields and hold the services' fixed limits, so such a 400 comes
// early and the OpenAPI document, made from them, states the limits. The services still check values.

// A JSON escape can spell half a surrogate pair ("\ud800"), which no UTF-8 encoding holds: protobuf would
// store U+FFFD in its place, so such text is refused. (With the u flag a whole pair is one code point.)
const LONE_SURROGATE = /\p{Surrogate}/u;
// Zod's max counts code points, as JSON Schema's maxLength and the services (characterCount) do.
const shortText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !LONE_SURROGATE.test(text), 'must be well-formed Unicode (no lone surrogate)');
/** Text the service refuses when blank: spaces and invisible characters only (isBlank). */
const nonBlankText = (max: number) => shortText(max).regex(VISIBLE_CHARACTER, 'must not be blank');
/** A custom quantity's name ("co2"), as ingestion limits it. */
export const customSensorName = shortText(50).optional();
export const timestamp = z.iso.datetime({ offset: true });

// proto3 JSON spells non-finite doubles as strings. They parse here so that ingestion refuses the reading
// itself (in a batch, the others still go in); the document says what is accepted.
const readingValue = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])], {
    // Left to parseInput when absent, so that a missing value says 'required', and when past a double.
    error: (issue) =>
      issue.input === undefined || isInfiniteNumber(issue) ? undefined : 'must be a JSON number',
  })
  .describe(
    'A finite number within the sensor type\'s range. "NaN", "Infinity" and "-Infinity" are proto3 JSON ' +
      'and parse, but ingestion refuses them (READING.NOT_FINITE).',
  );

export const readingSchema = z
  .object({
    // Checked by ingestion, so that a batch with one bad id still delivers the others.
    readingId: shortText(128)
      .meta({ pattern: READING_ID.source })
      .describe(
        '1-128 letters, digits, ".", "_", ":" or "-"; a reading sent again with the same id is a duplicate.',
      ),
    deviceId: shortText(128)
      .optional()
      .describe("The key's own device (the default); another device's id is a 403."),
    sensorType: enumField('iotmesh.telemetry.v1.Reading', 'sensorType'),
    value: readingValue,
    unit: shortText(32)
      .optional()
      .describe(
        'Required for temperature, humidity and pressure: a unit ingestion knows for the type (such as ' +
          'celsius, fahrenheit, percent, hpa, kpa), converted to the canonical one (celsius, percent, hpa, ' +
          'count); a missing or unknown unit is a 400 listing the accepted ones. Optional for motion. Any ' +
          'text for SENSOR_TYPE_CUSTOM, which nothing converts or keeps: aggregates and rules take the ' +
          'value as sent, so send a custom quantity in one unit always (name it in customSensor, such as ' +
          'co2_ppm, where devices could differ).',
      ),
    timestamp: timestamp.describe(
      "RFC 3339. Refused when further from ingestion's clock than MAX_FUTURE_SKEW_MS ahead (5 minutes " +
        'by default) or MAX_READING_AGE_MS behind (48 hours by default).',
    ),
    customSensor: customSensorName.describe(
      'The sensor name: required for SENSOR_TYPE_CUSTOM, refused for other types.',
    ),
  })
  .strict();

// The gateway's MAX_BATCH_SIZE (1,000 by default) is the limit; 10,000 is the most it can be set to.
// The count is checked where the gRPC API checks it (PublishReadingsService.checkBatch), so both APIs
// refuse an empty or oversized batch alike (BATCH.SIZE); the body limit bounds what is parsed first.
export const readingBatchSchema = z
  .object({
    readings: z
      .array(readingSchema)
      .meta({ minItems: 1, maxItems: 10_000 })
      .describe(
        '1 to MAX_BATCH_SIZE readings (1,000 unless the gateway is configured otherwise). A reading that ' +
          "breaks this schema makes the request a 400; one refused by ingestion's checks is listed in " +
          'the answer\'s "rejections" while the others are accepted.',
      ),
  })
  .strict();

// The device registry's fixed limits (device.validation.ts there).
const MAX_LABELS = 32;

const locationSchema = z
  .object({
    site: shortText(100).optional(),
    zone: shortText(100).optional(),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
  })
  .strict();

const labelsSchema = z
  .record(z.string().regex(MAP_KEY, MAP_KEY_RULE), shortText(128))
  .refine((labels) => Object.keys(labels).length <= MAX_LABELS, `at most ${MAX_LABELS} labels`)
  .meta({
    maxProperties: MAX_LABELS,
    description: `At most ${MAX_LABELS}; ${MAP_KEY_RULE}; values up to 128 characters.`,
  });

export const deviceFieldsSchema = z
  .object({
    name: nonBlankText(100).optional(),
    type: enumField('iotmesh.device.v1.Device', 'type').optional(),
    customType: shortText(50)
      .optional()
      .describe('What the device measures: required for SENSOR_TYPE_CUSTOM, refused for other types.'),
    location: locationSchema.optional(),
    ownerEmail: shortText(254).meta({ format: 'email' }).optional(),
    status: enumField(
      'iotmesh.device.v1.Device',
      'status',
      'DEVICE_STATUS_DECOMMISSIONED is refused: decommission a device with its decommission method.',
    ).optional(),
    labels: labelsSchema.optional(),
  })
  .strict();

export const createDeviceSchema = deviceFieldsSchema
  .extend({
    id: z
      .string()
      .regex(DEVICE_ID_PATTERN, DEVICE_ID_RULE)
      .optional()
      .describe(`${DEVICE_ID_RULE}; without one the registry names the device dev-<12 hex digits>.`),
    sendVerificationEmail: z.boolean().optional(),
  })
  .required({ name: true, type: true, ownerEmail: true });

export const issueKeySchema = z.object({ description: shortText(200).optional() }).strict();

// proto3 JSON writes at most nine fractional digits (nanoseconds).
const durationText = z.string().regex(/^\d+(\.\d{1,9})?s$/, 'a duration like "30s" or "1.5s"');

const ruleScopeSchema = z
  .object({
    deviceId: z.string().regex(DEVICE_ID_PATTERN, DEVICE_ID_RULE).optional(),
    deviceType: enumField('iotmesh.alert.v1.RuleScope', 'deviceType').optional(),
    allDevices: z.boolean().optional(),
  })
  .strict()
  .describe('Exactly one of deviceId, deviceType or allDevices: true.');

export const ruleFieldsSchema = z
  .object({
    name: nonBlankText(100).optional(),
    scope: ruleScopeSchema.optional(),
    sensorType: enumField('iotmesh.alert.v1.Rule', 'sensorType').optional(),
    customSensor: customSensorName.describe(
      'The custom quantity the rule watches: required for SENSOR_TYPE_CUSTOM, refused for other types.',
    ),
    operator: enumField('iotmesh.alert.v1.Rule', 'operator').optional(),
    threshold: z
      .number()
      .optional()
      .describe(
        "In the sensor type's canonical unit, which readings are converted to: celsius, percent, hpa, " +
          "count; for SENSOR_TYPE_CUSTOM in the unit the quantity's readings are sent in.",
      ),
    thresholdHigh: z
      .number()
      .optional()
      .describe('The upper bound of the range operators, in the unit of threshold; greater than threshold.'),
    forDuration: durationText
      .optional()
      .describe('How long the condition holds before the alert fires: "0s" to "86400s".'),
    severity: enumField('iotmesh.alert.v1.Rule', 'severity').optional(),
    hysteresis: z
      .number()
      .min(0)
      .optional()
      .describe(
        'The margin by which the value must come back before the alert resolves, in the unit of threshold.',
      ),
    enabled: z.boolean().optional().describe('Whether the rule is evaluated: a disabled rule fires nothing.'),
  })
  .strict();

/**
 * A new rule's fields: one sent without `enabled` is enabled. Read as proto3 it would be false, a rule that
 * silently never fires; gRPC and the pass-through route keep proto3's default.
 */
export const newRuleFieldsSchema = ruleFieldsSchema.extend({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      'Whether the rule is evaluated: a disabled rule fires nothing. A new rule is enabled unless this is false.',
    ),
});

/** A new rule: the alert manager refuses one without these (RULE.INVALID). */
export const createRuleSchema = newRuleFieldsSchema.required({
  name: true,
  scope: true,
  sensorType: true,
  operator: true,
  severity: true,
});

// The alert manager's limit on acknowledgedBy, which an acknowledgement without one takes from the operator.
const OPERATOR_NAME_LENGTH = 200;

export const acknowledgeSchema = z
  .object({ acknowledgedBy: shortText(OPERATOR_NAME_LENGTH).optional() })
  .strict();

/**
 * An operator's name (an operator JWT's `sub`): text the alert manager takes as acknowledgedBy, so that
 * acknowledging without one records it: not blank, at most 200 characters, none of them control characters.
 */
export const operatorNameSchema = nonBlankText(OPERATOR_NAME_LENGTH).refine(
  (name) => !CONTROL_CHARACTERS.test(name),
  'must not contain control characters',
);
