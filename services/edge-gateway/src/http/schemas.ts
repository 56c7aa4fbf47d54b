import { z } from 'zod';

// Request shapes of the REST API in proto3 JSON form (camelCase, enums by name, RFC 3339 times).
// They reject wrong types and unknown fields; the services then check the values.

const enumValue = z.union([z.string().max(64), z.number().int()]);
// proto3 JSON writes non-finite doubles as strings; they are accepted here and refused by ingestion.
const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
// A JSON escape can spell half a surrogate pair ("\ud800"), which no UTF-8 encoding holds: protobuf would
// store U+FFFD in its place, so such text is refused. (With the u flag a whole pair is one code point.)
const LONE_SURROGATE = /\p{Surrogate}/u;
const shortText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !LONE_SURROGATE.test(text), 'must be well-formed Unicode (no lone surrogate)');
const timestamp = z.iso.datetime({ offset: true });

export const readingSchema = z
  .object({
    readingId: shortText(128),
    deviceId: shortText(128).optional(),
    sensorType: enumValue,
    value: double,
    unit: shortText(32).optional(),
    timestamp,
    customSensor: shortText(64).optional(),
  })
  .strict();

// The gateway's MAX_BATCH_SIZE (1,000 by default) is the limit; 10,000 is the most it can be set to.
export const readingBatchSchema = z
  .object({
    readings: z
      .array(readingSchema)
      .max(10_000)
      .describe('1 to MAX_BATCH_SIZE readings (1,000 unless the gateway is configured otherwise)'),
  })
  .strict();

const locationSchema = z
  .object({
    site: shortText(200).optional(),
    zone: shortText(200).optional(),
    latitude: double.optional(),
    longitude: double.optional(),
  })
  .strict();

export const deviceFieldsSchema = z
  .object({
    name: shortText(500).optional(),
    type: enumValue.optional(),
    customType: shortText(200).optional(),
    location: locationSchema.optional(),
    ownerEmail: shortText(500).optional(),
    status: enumValue.optional(),
    labels: z.record(shortText(200), shortText(1000)).optional(),
  })
  .strict();

export const createDeviceSchema = deviceFieldsSchema.extend({
  id: shortText(100).optional(),
  sendVerificationEmail: z.boolean().optional(),
});

export const issueKeySchema = z.object({ description: shortText(200).optional() }).strict();

const durationText = z.string().regex(/^\d+(\.\d+)?s$/, 'a duration like "30s"');

export const ruleFieldsSchema = z
  .object({
    name: shortText(500).optional(),
    scope: z
      .object({
        deviceId: shortText(128).optional(),
        deviceType: enumValue.optional(),
        allDevices: z.boolean().optional(),
      })
      .strict()
      .optional(),
    sensorType: enumValue.optional(),
    operator: enumValue.optional(),
    threshold: double.optional(),
    thresholdHigh: double.optional(),
    forDuration: durationText.optional(),
    severity: enumValue.optional(),
    hysteresis: double.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const acknowledgeSchema = z.object({ acknowledgedBy: shortText(200).optional() }).strict();

// Query strings are strict too: a misspelt filter (`?stat=FIRING`) is a 400, not a list left unfiltered.
export const pageQuerySchema = z
  .object({
    pageSize: z.coerce.number().int().min(0).max(1000).optional(),
    pageToken: z.string().max(2000).optional(),
  })
  .strict();

/** `updateMask=name,location` as in AIP-134; camelCase paths are accepted and turned into snake_case. */
export const updateMaskQuerySchema = z
  .object({
    updateMask: z
      .string()
      .min(1, 'list the fields to change')
      .transform((mask) =>
        mask.split(',').map((path) => path.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)),
      ),
  })
  .strict();
