import { Module, type DynamicModule } from '@nestjs/common';
import type { IngestionConfig } from './config.js';
import { CLOCK, DEVICE_DIRECTORY, INGESTION_CONFIG, READING_SINK } from './ingestion.di-tokens.js';
import type { DeviceDirectory } from './readings/device-directory.port.js';
import { IngestionGrpcController } from './readings/ingestion.grpc.controller.js';
import { IngestionMetrics } from './readings/ingestion.metrics.js';
import { IngestionService } from './readings/ingestion.service.js';
import type { ReadingSink } from './readings/reading-sink.port.js';

/** The outgoing adapters are made by main.ts, which also closes them on shutdown. */
export interface IngestionAdapters {
  devices: DeviceDirectory;
  sink: ReadingSink;
  clock: () => number;
}

@Module({})
export class IngestionModule {
  static register(config: IngestionConfig, adapters: IngestionAdapters): DynamicModule {
    return {
      module: IngestionModule,
      controllers: [IngestionGrpcController],
      providers: [
        IngestionService,
        IngestionMetrics,
        { provide: INGESTION_CONFIG, useValue: config },
        { provide: DEVICE_DIRECTORY, useValue: adapters.devices },
        { provide: READING_SINK, useValue: adapters.sink },
        { provide: CLOCK, useValue: adapters.clock },
      ],
    };
  }
}
