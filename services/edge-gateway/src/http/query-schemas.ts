import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@iot-mesh/platform';
import { z } from 'zod';
import { enumParameter } from './proto-enums.js';
import { customSensorName, timestamp } from './schemas.js';

// The query strings the controllers parse, which the OpenAPI document lists as they are. They are strict:
// a misspelt filter (`?stat=FIRING`) is a 400, not a list left unfiltered.

// The largest value the services' page_size (int32) holds.
const INT32_MAX = 2_147_483_647;

/**
 * A whole number of a query string, written in decimal digits: `0x2`, `1e2`, ` 2`, an empty or a repeated
 * value are refused, where z.coerce would take them (an empty `resumeAfter` as 0, a replay of everything).
 * Digits past `max` say so, once: past 2^53 both .int() and .max() would, and past 1.8e308 the number is
 * Infinity, no number to zod.
 */
const decimalInteger = (max: number) => {
  const tooLarge = `must be at most ${max}`;
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
    z
      .number({
        error: (issue) => (typeof issue.input === 'number' ? tooLarge : 'must be a decimal integer'),
      })
      .int({ error: tooLarge, abort: true })
      .min(0)
      .max(max, tooLarge),
  );
};

const pageSize = decimalInteger(INT32_MAX);

export const pageQuerySchema = z
  .object({
    pageSize: pageSize
      .optional()
      .describe(
        `Items per page; 0 or absent for the default (${DEFAULT_PAGE_SIZE}). A page holds at most ` +
          `${MAX_PAGE_SIZE}: a larger value gets ${MAX_PAGE_SIZE} (AIP-158).`,
      ),
    pageToken: z.string().max(2000).optional().describe('The nextPageToken of the previous page.'),
  })
  .strict();

/** `updateMask=name,location` as in AIP-134; camelCase paths are accepted and turned into snake_case. */
const updateMaskQuery = (example: string) =>
  z
    .object({
      updateMask: z
        .string()
        .min(1, 'list the fields to change')
        .describe(
          `The fields to change, comma-separated (${example}); a field named but not sent is cleared.`,
        )
        .transform((mask) =>
          mask.split(',').map((path) => path.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)),
        ),
    })
    .strict();

export const deviceUpdateMaskQuerySchema = updateMaskQuery('name,location');
export const ruleUpdateMaskQuerySchema = updateMaskQuery('threshold,severity');

export const listDevicesQuerySchema = pageQuerySchema.extend({
  type: enumParameter('iotmesh.device.v1.ListDevicesRequest', 'type').optional(),
  site: z.string().optional(),
  status: enumParameter('iotmesh.device.v1.ListDevicesRequest', 'status').optional(),
});

export const aggregatesQuerySchema = pageQuerySchema.extend({
  deviceId: z
    .string()
    .max(128)
    .optional()
    .describe("Absent: every device's latest window (operators). A device key reads only its own device."),
  sensorType: enumParameter('iotmesh.processor.v1.GetAggregatesRequest', 'sensorType'),
  window: enumParameter('iotmesh.processor.v1.GetAggregatesRequest', 'window'),
  startTime: timestamp.optional().describe('Only windows that end after this time; needs a deviceId.'),
  customSensor: customSensorName.describe(
    'Only with SENSOR_TYPE_CUSTOM: the windows of this custom quantity; absent, those of every one.',
  ),
});

export const listRulesQuerySchema = pageQuerySchema.extend({
  sensorType: enumParameter('iotmesh.alert.v1.ListRulesRequest', 'sensorType').optional(),
  customSensor: customSensorName.describe('Only with SENSOR_TYPE_CUSTOM: the rules of this custom quantity.'),
});

export const alertFilterQuerySchema = z
  .object({
    state: enumParameter('iotmesh.alert.v1.AlertFilter', 'state').optional(),
    severity: enumParameter('iotmesh.alert.v1.AlertFilter', 'severity').optional(),
    deviceId: z.string().max(128).optional(),
    ruleId: z.string().max(128).optional(),
  })
  .strict();

export const listAlertsQuerySchema = pageQuerySchema.extend(alertFilterQuerySchema.shape);

export const alertStreamQuerySchema = alertFilterQuerySchema.extend({
  resumeAfter: decimalInteger(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe(
      'Replay the stored events after this sequence number (0: from the first), then live ones; left out, ' +
        'live events only. A Last-Event-ID header takes precedence.',
    ),
});
