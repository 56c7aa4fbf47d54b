import { millisFromTimestamp } from '@iot-mesh/platform';
import { sensorTypeToJSON, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { DeviceSender, FleetDriver } from './driver.js';
import type { FleetDevice } from './fleet.js';
import {
  describeBody,
  fetchFailureCode,
  fetchFailureMessage,
  gatewayErrorOf,
  requestJson,
  requestNeverSent,
  type JsonResponse,
} from './http-json.js';
import { deviceAgents, type GatewayAgent } from './http-agents.js';
import type { LoadOptions } from './load-options.js';
import type { OutgoingBatch } from './readings.js';
import type { BatchOutcome, LoadRecorder } from './recorder.js';

/**
 * A reading in proto3 JSON, written out in full: the generated toJSON leaves out default values,
 * and the gateway requires `value` even when it is 0.
 */
export function readingJson(reading: Reading) {
  return {
    readingId: reading.readingId,
    deviceId: reading.deviceId,
    sensorType: sensorTypeToJSON(reading.sensorType),
    value: reading.value,
    unit: reading.unit,
    timestamp: new Date(
      reading.timestamp ? millisFromTimestamp(reading.timestamp) : Date.now(),
    ).toISOString(),
  };
}

/** What a 200 means for each endpoint; anything else is a failed call (or, single, a rejection). */
export function outcomeOf(response: JsonResponse, single: boolean): BatchOutcome | undefined {
  if (response.status === 200) {
    if (single) {
      const duplicate = (response.body as { duplicate?: boolean } | undefined)?.duplicate === true;
      return { accepted: duplicate ? 0 : 1, duplicates: duplicate ? 1 : 0, rejections: [] };
    }
    const body = response.body as Partial<{
      acceptedCount: number;
      duplicateCount: number;
      rejections: { reason?: string }[];
    }>;
    return {
      accepted: body.acceptedCount ?? 0,
      duplicates: body.duplicateCount ?? 0,
      rejections: (body.rejections ?? []).map((r) => ({ reason: r.reason ?? 'UNKNOWN' })),
    };
  }
  // The single-reading endpoint has no per-reading rejection list: ingestion refusing the reading
  // is a 400 naming the offending fields, which is that reading's rejection rather than an error.
  const error = gatewayErrorOf(response.body);
  if (single && response.status === 400 && error && error.details.length > 0) {
    return { accepted: 0, duplicates: 0, rejections: [{ reason: error.details[0]?.reason ?? error.reason }] };
  }
  return undefined;
}

/** A device's REST calls, several in flight at once over its own HTTP/1.1 keep-alive connections. */
export class RestDeviceRequests implements DeviceSender {
  private readonly calls = new Set<Promise<void>>();

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly single: boolean,
    private readonly recorder: LoadRecorder,
    private readonly timeoutMs: number,
    /** This device's connections (deviceAgents), closed with the sender. */
    private readonly agent: GatewayAgent,
  ) {}

  get inFlight(): number {
    return this.calls.size;
  }

  send(batch: OutgoingBatch): void {
    this.recorder.sent(batch);
    const call = this.post(batch).finally(() => this.calls.delete(call));
    this.calls.add(call);
  }

  async drain(): Promise<void> {
    while (this.calls.size > 0) await Promise.all([...this.calls]);
  }

  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }

  private async post(batch: OutgoingBatch): Promise<void> {
    const [path, body] = this.single
      ? ['/api/v1/readings', readingJson(batch.readings[0])]
      : ['/api/v1/readings/batch', { readings: batch.readings.map(readingJson) }];
    let response: JsonResponse;
    try {
      response = await requestJson(this.baseUrl + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}` },
        body,
        timeoutMs: this.timeoutMs,
        agent: this.agent,
      });
    } catch (error) {
      // Only a request that never left certainly failed; after a timeout or a dropped connection
      // the gateway may have stored the readings.
      const record = requestNeverSent(error) ? 'failed' : 'unknown';
      this.recorder[record](batch, fetchFailureCode(error), fetchFailureMessage(error));
      return;
    }
    const outcome = outcomeOf(response, this.single);
    if (outcome) this.recorder.answered(batch, outcome);
    // 504: a proxy in front gave up waiting for the gateway, which may have stored the readings.
    else if (response.status === 504) this.recorder.unknown(batch, 'HTTP 504', describeBody(response.body));
    else this.recorder.failed(batch, `HTTP ${response.status}`, describeBody(response.body));
  }
}

export function restFleetDriver(options: LoadOptions): FleetDriver {
  const single = options.batchSize === 1;
  const path = single ? '/api/v1/readings' : '/api/v1/readings/batch';
  const connections = deviceAgents(options);
  return {
    target: options.httpBaseUrl + path,
    sender: (device: FleetDevice, recorder: LoadRecorder) =>
      new RestDeviceRequests(
        options.httpBaseUrl,
        device.apiKey,
        single,
        recorder,
        options.timeoutSeconds * 1000,
        connections(),
      ),
    close: () => undefined,
  };
}
