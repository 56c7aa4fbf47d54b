import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PlatformConfig } from '../config/platform-config.js';
import { StreamShutdown } from '../grpc/stream-shutdown.js';
import { METRICS_REGISTRY, PLATFORM_CONFIG, PLATFORM_LOGGER } from './platform.tokens.js';

/**
 * Makes the logger, metrics registry, platform config and the shutdown of open streams injectable in
 * every service module.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: PlatformConfig, logger: Logger, registry: Registry): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: PLATFORM_CONFIG, useValue: config },
        { provide: PLATFORM_LOGGER, useValue: logger },
        { provide: METRICS_REGISTRY, useValue: registry },
        StreamShutdown,
      ],
      exports: [PLATFORM_CONFIG, PLATFORM_LOGGER, METRICS_REGISTRY, StreamShutdown],
    };
  }
}
