import { VerifyDeviceKeyResponse } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { PublishReadingsRequest } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** The registry's answer for DEVICE_KEY in the stream tests: the key of device-1. */
export const deviceOneKey = () => VerifyDeviceKeyResponse.fromJSON({ deviceId: 'device-1', keyId: 'key-1' });

/** A PublishReadings batch of `count` temperature readings of device-1, with ids `<batchId>-r1`, `-r2`, ... */
export const deviceOneBatch = (batchId: string, count = 1): PublishReadingsRequest => ({
  batchId,
  readings: Array.from({ length: count }, (_, i) =>
    Reading.fromJSON({
      readingId: `${batchId}-r${i + 1}`,
      deviceId: 'device-1',
      sensorType: 'SENSOR_TYPE_TEMPERATURE',
      unit: 'celsius',
    }),
  ),
});
