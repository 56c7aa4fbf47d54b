import { eventually } from '@iot-mesh/platform/testing';
import { registerDevice, type GatewayRest } from './gateway-rest.js';
import type { PublishingDevice } from './reading-publisher.js';

/** Value of the one "hot" device: above the rule's threshold, inside ingestion's accepted range. */
export const HOT_CELSIUS = 50;
export const NORMAL_CELSIUS = 21;
export const RULE_THRESHOLD = 40;

/** Registers `count` normal devices and one hot one, and a rule that should fire for the hot one only. */
export async function setUpFleet(rest: GatewayRest, prefix: string, count: number) {
  const devices: PublishingDevice[] = [];
  for (let i = 0; i < count; i++) {
    const deviceId = `${prefix}-${i}`;
    devices.push({ deviceId, apiKey: await registerDevice(rest, deviceId), value: NORMAL_CELSIUS });
  }
  const hotId = `${prefix}-hot`;
  devices.push({ deviceId: hotId, apiKey: await registerDevice(rest, hotId), value: HOT_CELSIUS });
  const rule = await rest('POST', '/api/v1/rules', {
    body: {
      name: `${prefix} too hot`,
      scope: { deviceId: hotId },
      sensorType: 'SENSOR_TYPE_TEMPERATURE',
      operator: 'OPERATOR_GREATER_THAN',
      threshold: RULE_THRESHOLD,
      forDuration: '0s',
      severity: 'SEVERITY_CRITICAL',
      enabled: true,
    },
  });
  if (rule.status !== 201) throw new Error(`creating the rule: ${rule.status} ${rule.text}`);
  return { devices, hotId, ruleId: (rule.json as { id: string }).id };
}

/** The alerts of the stack right now (first page is plenty for these tests). */
export async function listAlerts(rest: GatewayRest) {
  const answer = await rest('GET', '/api/v1/alerts?pageSize=1000');
  if (answer.status !== 200) throw new Error(`listing alerts: ${answer.status} ${answer.text}`);
  return (answer.json as { alerts: { ruleId: string; deviceId: string; state: string }[] }).alerts;
}

/** Waits until the rule's alert is firing; returns all the rule's alerts then. */
export function firingAlertsOf(rest: GatewayRest, ruleId: string) {
  return eventually(
    async () => {
      const found = (await listAlerts(rest)).filter((a) => a.ruleId === ruleId);
      return found.some((a) => a.state === 'ALERT_STATE_FIRING') ? found : undefined;
    },
    'the hot device alert to fire',
    30_000,
  );
}
