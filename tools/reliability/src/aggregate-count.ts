import type { DataProcessorClient } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { Window } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';

/** How many readings of a device the processor counted: the sum over all its one-hour windows. */
export async function aggregatedCount(processor: DataProcessorClient, deviceId: string): Promise<number> {
  let total = 0;
  let pageToken = '';
  do {
    const page = await firstValueFrom(
      processor.getAggregates({
        deviceId,
        sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
        window: Window.WINDOW_ONE_HOUR,
        startTime: undefined,
        pageSize: 1000,
        pageToken,
        customSensor: '',
      }),
    );
    total += page.aggregates.reduce((sum, aggregate) => sum + Number(aggregate.count), 0);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return total;
}
