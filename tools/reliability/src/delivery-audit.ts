import type { DataProcessorClient } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { setTimeout as sleep } from 'node:timers/promises';
import { aggregatedCount } from './aggregate-count.js';
import type { PublishFigures } from './reading-publisher.js';

export interface DeliveryAudit {
  acked: number;
  aggregated: number;
  /** Acknowledged readings missing from the aggregates (false acks). */
  lost: number;
  /** Aggregated readings beyond the distinct acknowledged ids (double counting). */
  duplicates: number;
}

/**
 * Compares, per device, the distinct acknowledged reading ids with the processor's counts. Acks come
 * only after the processor accepted, so they should match at once; a short poll tolerates a read
 * racing the last write.
 */
export async function auditDelivery(
  processor: DataProcessorClient,
  figures: PublishFigures,
): Promise<DeliveryAudit> {
  let audit: DeliveryAudit = { acked: 0, aggregated: 0, lost: 0, duplicates: 0 };
  for (let attempt = 0; attempt < 50; attempt++) {
    audit = { acked: 0, aggregated: 0, lost: 0, duplicates: 0 };
    for (const [deviceId, ids] of figures.acked) {
      const counted = await aggregatedCount(processor, deviceId);
      audit.acked += ids.size;
      audit.aggregated += counted;
      audit.lost += Math.max(0, ids.size - counted);
      audit.duplicates += Math.max(0, counted - ids.size);
    }
    if (audit.lost === 0 && audit.duplicates === 0) return audit;
    await sleep(200);
  }
  return audit;
}
