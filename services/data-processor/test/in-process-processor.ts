import { createDatabase } from '@iot-mesh/storage';
import { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { processorConfigSchema, type ProcessorConfig } from '../src/config.js';
import { KyselyProcessorStore } from '../src/infrastructure/kysely-processor.store.js';
import type { ProcessorDatabase } from '../src/infrastructure/processor.schema.js';
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
  /** The readings set aside as refused for good, as the table holds them, oldest first. */
  setAside(): Promise<{ sequence: number; readingId: string; failedTime: number }[]>;
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
    options.now,
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
    async setAside() {
      const db = createDatabase<ProcessorDatabase>(config.storage);
      try {
        const rows = await db
          .selectFrom('pending_evaluations')
          .select(['sequence', 'reading', 'failed_time'])
          .where('failed_time', 'is not', null)
          .orderBy('sequence')
          .execute();
        return rows.map((row) => ({
          sequence: Number(row.sequence),
          readingId: Reading.decode(row.reading).readingId,
          failedTime: Number(row.failed_time),
        }));
      } finally {
        await db.destroy();
      }
    },
    async close() {
      await poller.onModuleDestroy();
      await store.close();
    },
  };
}
