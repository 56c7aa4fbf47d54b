import { aRule } from '../../rules/domain/testing/rule.fixture.js';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Operator, type Rule } from '../../rules/domain/rule.js';
import { summarize } from './alert-summary.js';

const rule = (changes: Partial<Rule>): Rule => aRule({ name: 'Check', ...changes });
const custom = SensorType.SENSOR_TYPE_CUSTOM;

describe('alert summary', () => {
  it('names the quantity of the sensor type', () => {
    expect(summarize(rule({ name: 'Boiler too hot' }), 'boiler-1')).toBe(
      'Boiler too hot: temperature > 30 on boiler-1',
    );
  });

  it("names a custom rule's own quantity instead of the type", () => {
    expect(
      summarize(rule({ name: 'Stuffy', sensorType: custom, customSensor: 'co2', threshold: 1000 }), 'room-1'),
    ).toBe('Stuffy: co2 > 1000 on room-1');
    const range = { operator: Operator.OPERATOR_OUTSIDE_RANGE, threshold: 20, thresholdHigh: 80 };
    expect(
      summarize(rule({ name: 'Loud', sensorType: custom, customSensor: 'noise', ...range }), 'room-1'),
    ).toBe('Loud: noise outside [20, 80] on room-1');
  });

  it('says "custom" for a custom rule stored before rules named their quantity', () => {
    expect(summarize(rule({ name: 'Any', sensorType: custom, threshold: 1000 }), 'room-1')).toBe(
      'Any: custom > 1000 on room-1',
    );
  });
});
