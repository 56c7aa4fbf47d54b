import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Operator, Severity, type Rule } from '../rule.js';

/** A rule for tests: "> 30" on every device's temperature, firing at once; `changes` say what differs. */
export const aRule = (changes: Partial<Rule> = {}): Rule => ({
  id: 'rule-1',
  name: 'Too hot',
  scope: { kind: 'all_devices' },
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  operator: Operator.OPERATOR_GREATER_THAN,
  threshold: 30,
  thresholdHigh: 0,
  forDurationMs: 0,
  severity: Severity.SEVERITY_WARNING,
  hysteresis: 0,
  enabled: true,
  createTime: 0,
  updateTime: 0,
  ...changes,
});
