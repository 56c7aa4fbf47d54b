import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  healthClient,
  PLATFORM_CONFIG,
  type HealthClient,
  type HealthState,
  type PlatformConfig,
} from '@iot-mesh/platform';
import type { DownstreamName, GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../gateway.di-tokens.js';
import { DOWNSTREAM_APIS } from './downstream-clients.js';

export interface DownstreamState {
  service: DownstreamName;
  address: string;
  status: HealthState;
}

const CHECK_DEADLINE_MS = 1_000;
// A service that is back shows within about a second, not after grpc-js's reconnect backoff (up to 2 min).
const RECONNECT_BACKOFF_MS = 1_000;

/**
 * The grpc.health.v1 state of every downstream, for /status. Each is asked over one channel kept for the
 * gateway's life (a channel per check opened five connections for every /status request), and
 * concurrent requests share one round of checks, so a flood of /status costs the services no more.
 */
@Injectable()
export class DownstreamHealth implements OnModuleDestroy {
  private readonly clients = new Map<DownstreamName, HealthClient>();
  private round: Promise<DownstreamState[]> | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(PLATFORM_CONFIG) platform: PlatformConfig,
  ) {
    for (const name of Object.keys(DOWNSTREAM_APIS) as DownstreamName[]) {
      const client = healthClient(config.downstream[name], platform.tls, {
        'grpc.initial_reconnect_backoff_ms': RECONNECT_BACKOFF_MS,
        'grpc.max_reconnect_backoff_ms': RECONNECT_BACKOFF_MS,
        'grpc.enable_channelz': 0,
      });
      this.clients.set(name, client);
    }
  }

  states(): Promise<DownstreamState[]> {
    this.round ??= Promise.all([...this.clients].map(([name, client]) => this.check(name, client))).finally(
      () => (this.round = undefined),
    );
    return this.round;
  }

  onModuleDestroy(): void {
    for (const client of this.clients.values()) client.close();
  }

  /** One Check, as Kubernetes' gRPC probe does it; never fails. */
  private async check(name: DownstreamName, client: HealthClient): Promise<DownstreamState> {
    const service = DOWNSTREAM_APIS[name].definition.fullName;
    const { state } = await client.check(service, CHECK_DEADLINE_MS);
    return { service: name, address: this.config.downstream[name], status: state };
  }
}
