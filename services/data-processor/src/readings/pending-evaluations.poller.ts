import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { FailureStreakLog, PLATFORM_LOGGER, RepeatingTask } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import type { ProcessorConfig } from '../config.js';
import { PROCESSOR_CONFIG } from '../processor.di-tokens.js';

import { EvaluationHandOver } from './evaluation-hand-over.js';

/**
 * Every PENDING_EVALUATIONS_POLL_INTERVAL_MS: learns which devices have pending evaluations (also
 * those another replica queued), then delivers the queue oldest first, batch after batch, until it is
 * empty or the alert manager fails. A delivery that fails is tried again at the next poll; a reading
 * the alert manager refuses for good is set aside instead (EvaluationHandOver.deliverOldest).
 */
@Injectable()
export class PendingEvaluationsPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly failures: FailureStreakLog;
  private readonly task: RepeatingTask;
  private stopping = false;

  constructor(
    private readonly handOver: EvaluationHandOver,
    @Inject(PROCESSOR_CONFIG) config: ProcessorConfig,
    @Inject(PLATFORM_LOGGER) logger: Logger,
  ) {
    this.failures = new FailureStreakLog(logger, 'delivering pending evaluations', 'warn');
    this.task = new RepeatingTask(() => this.poll(), config.pendingEvaluations.pollIntervalMs, this.failures);
  }

  /** Knows the devices with pending evaluations before the first call is served. */
  async onApplicationBootstrap(): Promise<void> {
    await this.handOver.refresh().catch((error: unknown) => this.failures.failed(error));
    this.task.start();
  }

  /** Stops after the batch in progress; what is left stays queued for the next start. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.task.stop();
  }

  private async poll(): Promise<void> {
    if ((await this.handOver.refresh()) === 0) return;
    let more = true;
    while (more && !this.stopping) more = await this.handOver.deliverOldest();
  }
}
