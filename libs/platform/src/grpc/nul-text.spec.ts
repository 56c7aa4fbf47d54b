import { ListAlertsRequest } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { nulTextField } from './nul-text.js';

describe('the field holding U+0000', () => {
  it('is named as the services name fields, through messages, lists and maps', () => {
    expect(nulTextField({ id: 'a\0b' })).toBe('id');
    expect(nulTextField({ filter: { deviceId: 'x\0' } })).toBe('filter.device_id');
    expect(nulTextField({ readings: [{ readingId: 'r1' }, { readingId: 'r\0' }] })).toBe(
      'readings[1].reading_id',
    );
    expect(nulTextField({ device: { labels: { site: '\0' } } })).toBe('device.labels.site');
    expect(nulTextField({ updateMask: ['name', 'na\0me'] })).toBe('update_mask[1]');
  });

  it('is the map itself when a key holds it, and nothing when no text does', () => {
    expect(nulTextField({ labels: { 'a\0': 'b' } })).toBe('labels');
    expect(nulTextField({ data: new Uint8Array([0, 0]), n: 0, t: { seconds: 1 }, s: 'plain' })).toBe(
      undefined,
    );
  });

  it('is found in a decoded ts-proto message', () => {
    const request = ListAlertsRequest.fromJSON({ pageToken: 'ok', filter: { ruleId: 'r\0' } });
    expect(nulTextField(ListAlertsRequest.decode(ListAlertsRequest.encode(request).finish()))).toBe(
      'filter.rule_id',
    );
  });
});
