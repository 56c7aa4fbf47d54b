import { Module, type DynamicModule } from '@nestjs/common';
import { AggregatesGrpcController } from './aggregates/aggregates.grpc.controller.js';
import { AggregatesService } from './aggregates/aggregates.service.js';
import { WindowRetentionService } from './aggregates/window-retention.service.js';
import type { ProcessorConfig } from './config.js';
import { GrpcAlertManagerEvaluator } from './infrastructure/grpc-alert-manager.evaluator.js';
import type { ProcessorStore } from './infrastructure/processor-store.port.js';
import { SkippedAlertEvaluation } from './infrastructure/skipped-alert-evaluation.js';
import {
  CLOCK,
  PENDING_EVALUATIONS,
  PROCESSOR_CONFIG,
  PROCESSOR_STORE,
  READINGS_EVALUATOR,
} from './processor.di-tokens.js';
import { EvaluationHandOver } from './readings/evaluation-hand-over.js';
import { PendingEvaluationsPoller } from './readings/pending-evaluations.poller.js';
import { ProcessReadingsService } from './readings/process-readings.service.js';
import { ReadingsGrpcController } from './readings/readings.grpc.controller.js';

@Module({})
export class ProcessorModule {
  static register(config: ProcessorConfig, store: ProcessorStore): DynamicModule {
    return {
      module: ProcessorModule,
      controllers: [ReadingsGrpcController, AggregatesGrpcController],
      providers: [
        ProcessReadingsService,
        EvaluationHandOver,
        PendingEvaluationsPoller,
        AggregatesService,
        WindowRetentionService,
        { provide: PROCESSOR_CONFIG, useValue: config },
        { provide: PROCESSOR_STORE, useValue: store },
        { provide: PENDING_EVALUATIONS, useValue: store.pendingEvaluations },
        { provide: CLOCK, useValue: () => Date.now() },
        {
          provide: READINGS_EVALUATOR,
          useFactory: () =>
            config.forwardToAlertManager
              ? new GrpcAlertManagerEvaluator(
                  config.alertManagerAddress,
                  config.platform.tls,
                  config.alertManagerDeadlineMs,
                )
              : new SkippedAlertEvaluation(),
        },
      ],
    };
  }
}
