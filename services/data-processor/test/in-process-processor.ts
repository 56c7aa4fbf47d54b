import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { processorConfigSchema, type ProcessorConfig } from '../src/config.js';
import { KyselyProcessorStore } from '../src/infrastructure/kysely-processor.store.js';
import { EvaluationHandOver } from '../src/readings/evaluation-hand-over.js';
import { PendingEvaluationsPoller } from '../src/readings/pending-evaluations.poller.js';
import { ProcessReadingsService } from '../src/readings/process-readings.service.js';
import type { ReadingsEvaluator } from '../src/readings/readings-evaluator.port.js';

export interface InProcessProcessor {
  config: ProcessorConfig;
  store: KyselyProcessorStore;
  handOver: EvaluationHandOver;
  poller: PendingEvaluationsPoller;
  service: ProcessReadingsService;
  registry: Registry;
  close(): Promise<void>;
}

/**
 * The processor's readings path wired by hand over the SQLite file in `dataDir`, as the module wires
 * it, with `env` as its environment; the poller is built but not started.
 */
export async function openProcessor(options: {
  dataDir: string;
  evaluator: ReadingsEvaluator;
  now: () => number;
  env?: Record<string, string>;
  logger?: Logger;
}): Promise<InProcessProcessor> {
  const config = processorConfigSchema.parse({ DATA_DIR: options.dataDir, ...options.env });
  const store = await KyselyProcessorStore.open(config.storage);
  const logger = options.logger ?? pino({ level: 'silent' });
  const registry = new Registry();
  const handOver = new EvaluationHandOver(
    store.pendingEvaluations,
    options.evaluator,
    config,
    logger,
    registry,
  );
  const poller = new PendingEvaluationsPoller(handOver, config, logger);
  const service = new ProcessReadingsService(store, handOver, config, options.now, registry);
  return {
    config,
    store,
    handOver,
    poller,
    service,
    registry,
    async close() {
      await poller.onModuleDestroy();
      await store.close();
    },
  };
}
