import fc from 'fast-check';
import {
  field,
  malformedJson,
  nastyJsonValue,
  nastyString,
  nearlyValid,
  rawNumberLiteral,
} from './hostile-arbitraries.js';

/**
 * Bodies for the gateway's REST routes: wholly hostile ones (every field maybe wrong or missing) and
 * nearly valid ones (one field wrong), so both the parser and each field's validation are probed.
 */
export function restBodies(nowIso: string) {
  const readingBody = fc.record(
    {
      readingId: field(fc.stringMatching(/^[a-z0-9-]{1,20}$/)),
      deviceId: field(fc.constant('hostile-rest')),
      sensorType: field(fc.constant('SENSOR_TYPE_TEMPERATURE')),
      value: field(fc.double({ min: -40, max: 120, noNaN: true })),
      unit: field(fc.constant('celsius')),
      timestamp: field(fc.constant(nowIso)),
      customSensor: field(fc.constant('')),
    },
    { requiredKeys: [] },
  );
  /** Valid-looking JSON with a literal JSON.stringify would never write spliced in for the value. */
  const splicedBody = fc
    .tuple(rawNumberLiteral, fc.stringMatching(/^[a-z0-9]{1,12}$/))
    .map(
      ([literal, id]) =>
        `{"readingId":"${id}","sensorType":"SENSOR_TYPE_TEMPERATURE","value":${literal},"unit":"celsius","timestamp":"${nowIso}"}`,
    );
  const validReading = fc.record({
    readingId: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    sensorType: fc.constant('SENSOR_TYPE_TEMPERATURE'),
    value: fc.double({ min: -40, max: 120, noNaN: true }),
    unit: fc.constant('celsius'),
    timestamp: fc.constant(nowIso),
  });
  const validDevice = fc.record({
    id: fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,20}$/),
    name: fc.string({ unit: 'grapheme', maxLength: 30 }),
    type: fc.constant('SENSOR_TYPE_TEMPERATURE'),
    ownerEmail: fc.constant('ops@example.com'),
    status: fc.constant('DEVICE_STATUS_ACTIVE'),
    location: fc.record({
      site: fc.string({ maxLength: 10 }),
      latitude: fc.double({ min: -90, max: 90, noNaN: true }),
    }),
  });
  const validRule = fc.record({
    name: fc.string({ unit: 'grapheme', maxLength: 30 }),
    scope: fc.constant({ deviceId: 'hostile-rest' }),
    sensorType: fc.constant('SENSOR_TYPE_TEMPERATURE'),
    operator: fc.constant('OPERATOR_GREATER_THAN'),
    threshold: fc.double({ min: -40, max: 120, noNaN: true }),
    forDuration: fc.constantFrom('0s', '30s'),
    severity: fc.constant('SEVERITY_WARNING'),
  });
  const deviceBody = fc.record(
    {
      id: field(fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,20}$/)),
      name: field(nastyString),
      type: field(fc.constant('SENSOR_TYPE_TEMPERATURE')),
      ownerEmail: field(fc.constant('ops@example.com')),
      status: field(fc.constant('DEVICE_STATUS_ACTIVE')),
      location: field(fc.record({ site: nastyString, latitude: nastyJsonValue }, { requiredKeys: [] })),
      labels: field(fc.dictionary(nastyString, nastyString, { maxKeys: 3 })),
    },
    { requiredKeys: [] },
  );
  const ruleBody = fc.record(
    {
      name: field(nastyString),
      scope: field(
        fc.record(
          { deviceId: field(fc.constant('hostile-rest')), allDevices: nastyJsonValue },
          { requiredKeys: [] },
        ),
      ),
      sensorType: field(fc.constant('SENSOR_TYPE_TEMPERATURE')),
      operator: field(fc.constant('OPERATOR_GREATER_THAN')),
      threshold: field(fc.double({ min: -40, max: 120, noNaN: true })),
      forDuration: field(fc.constantFrom('0s', '30s', '1.5s')),
      severity: field(fc.constant('SEVERITY_WARNING')),
      hysteresis: field(fc.double({ min: 0, max: 5, noNaN: true })),
    },
    { requiredKeys: [] },
  );
  return {
    reading: fc.oneof(
      readingBody.map((b) => JSON.stringify(b)),
      nearlyValid(validReading).map((b) => JSON.stringify(b)),
      splicedBody,
      malformedJson,
    ),
    batch: fc
      .array(fc.oneof(readingBody, nearlyValid(validReading)), { maxLength: 30 })
      .map((readings) => JSON.stringify({ readings })),
    device: fc.oneof(deviceBody, nearlyValid(validDevice)),
    rule: fc.oneof(ruleBody, nearlyValid(validRule)),
  };
}
