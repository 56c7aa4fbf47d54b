import { jsonFieldPath } from './json-field-path.js';

describe("a service's field path in the REST API's names", () => {
  it('turns each proto field name into its proto3 JSON name', () => {
    expect(jsonFieldPath('custom_sensor')).toBe('customSensor');
    expect(jsonFieldPath('readings[12].custom_sensor')).toBe('readings[12].customSensor');
    expect(jsonFieldPath('rule.scope.device_id')).toBe('rule.scope.deviceId');
    expect(jsonFieldPath('filter.rule_id')).toBe('filter.ruleId');
    expect(jsonFieldPath('value')).toBe('value');
    // What is already a JSON name stays as it is.
    expect(jsonFieldPath('forDuration')).toBe('forDuration');
  });

  it("keeps a map's key as it was sent", () => {
    expect(jsonFieldPath('labels.site_id')).toBe('labels.site_id');
    expect(jsonFieldPath('device.labels.team.cost_centre')).toBe('device.labels.team.cost_centre');
    expect(jsonFieldPath('attributes.alert_id')).toBe('attributes.alert_id');
  });
});
