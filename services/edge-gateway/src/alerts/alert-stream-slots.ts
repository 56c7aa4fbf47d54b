import { Inject, Injectable } from '@nestjs/common';
import { ResourceExhaustedError } from '@iot-mesh/platform';
import { defer, finalize, type MonoTypeOperatorFunction } from 'rxjs';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../gateway.di-tokens.js';

/** Who holds an alert stream: the client address, and the device when a device key opened it. */
export interface StreamHolder {
  client: string;
  deviceId?: string;
}

/**
 * Caps on the alert streams open at once (ALERT_STREAMS_PER_DEVICE, ALERT_STREAMS_PER_IP,
 * ALERT_STREAMS_TOTAL): each holds memory here and a stream to the alert manager, so no key, address or
 * crowd of addresses may open them without bound. Counted in this replica (a count kept elsewhere would outlive a replica that died). No
 * Retry-After: a slot frees when one of the holder's streams ends, which no time can tell.
 */
@Injectable()
export class AlertStreamSlots {
  private readonly byDevice = new Map<string, number>();
  private readonly byClient = new Map<string, number>();
  private open = 0;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /** The stream, in a slot taken when it is subscribed and freed when it ends, however it ends. */
  held<T>(holder: StreamHolder): MonoTypeOperatorFunction<T> {
    return (source) =>
      defer(() => {
        const release = this.take(holder);
        return source.pipe(finalize(release));
      });
  }

  private take({ client, deviceId }: StreamHolder): () => void {
    const { perDevice, perIp, total } = this.config.alertStreams;
    if (deviceId !== undefined && (this.byDevice.get(deviceId) ?? 0) >= perDevice)
      throw tooMany(perDevice, 'device');
    if ((this.byClient.get(client) ?? 0) >= perIp) throw tooMany(perIp, 'client address');
    if (this.open >= total) throw tooMany(total, 'gateway replica');
    if (deviceId !== undefined) add(this.byDevice, deviceId, 1);
    add(this.byClient, client, 1);
    this.open += 1;
    return () => {
      if (deviceId !== undefined) add(this.byDevice, deviceId, -1);
      add(this.byClient, client, -1);
      this.open -= 1;
    };
  }
}

/** Counts by key, without keeping the keys whose count is back at zero. */
function add(counts: Map<string, number>, key: string, change: number): void {
  const count = (counts.get(key) ?? 0) + change;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}

const tooMany = (limit: number, who: string) =>
  new ResourceExhaustedError(
    'ALERT_STREAM.LIMIT',
    `at most ${limit} alert streams may be open at once per ${who}; close one first`,
    undefined,
    { limit: String(limit) },
  );
