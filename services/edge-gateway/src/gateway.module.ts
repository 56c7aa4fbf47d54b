import { Module, type DynamicModule } from '@nestjs/common';
import { AlertStreamSlots } from './alerts/alert-stream-slots.js';
import { AlertStreamService } from './alerts/alert-stream.service.js';
import { DeviceAuthService } from './auth/device-auth.service.js';
import { OperatorAuthService } from './auth/operator-auth.service.js';
import type { GatewayConfig } from './config.js';
import type { Downstream } from './downstream/downstream-clients.js';
import { DOWNSTREAM, GATEWAY_CONFIG, RATE_LIMITER } from './gateway.di-tokens.js';
import { AggregatesHttpController } from './http/aggregates.http.controller.js';
import { AlertsHttpController } from './http/alerts.http.controller.js';
import { DevicesHttpController } from './http/devices.http.controller.js';
import { PassthroughHttpController } from './http/passthrough.http.controller.js';
import { ReadingsHttpController } from './http/readings.http.controller.js';
import { RequestAccess } from './http/request-access.js';
import { RulesHttpController } from './http/rules.http.controller.js';
import { StatusHttpController } from './http/status.http.controller.js';
import { AuthFailureLimits } from './rate-limit/auth-failure-limits.js';
import { DownstreamHealth } from './downstream/downstream-health.js';
import { RateLimits } from './rate-limit/rate-limits.js';
import type { RateLimiter } from './rate-limit/rate-limiter.port.js';
import { EdgeGatewayGrpcController } from './readings/edge-gateway.grpc.controller.js';
import { PublishReadingsService } from './readings/publish-readings.service.js';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, downstream: Downstream, limiter: RateLimiter): DynamicModule {
    return {
      module: GatewayModule,
      // The pass-through route is last: specific routes win over `api/v1/:service/:method`.
      controllers: [
        EdgeGatewayGrpcController,
        StatusHttpController,
        DevicesHttpController,
        ReadingsHttpController,
        AggregatesHttpController,
        RulesHttpController,
        AlertsHttpController,
        PassthroughHttpController,
      ],
      providers: [
        DeviceAuthService,
        OperatorAuthService,
        RateLimits,
        AuthFailureLimits,
        AlertStreamSlots,
        DownstreamHealth,
        RequestAccess,
        PublishReadingsService,
        AlertStreamService,
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: DOWNSTREAM, useValue: downstream },
        { provide: RATE_LIMITER, useValue: limiter },
      ],
    };
  }
}
