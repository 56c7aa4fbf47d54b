import { CallCoalescer, realTimer, type LingerTimer } from '@iot-mesh/platform';
import type { ProcessReadingsResponse } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { ForwardOutcome, ReadingSink } from '../readings/reading-sink.port.js';
import { forwardInChunks, type ReadingProcessor } from './grpc-data-processor.sink.js';

export interface ForwardBatcherSettings {
  /** How long the first waiting reading waits for company; 0 forwards every caller directly. */
  lingerMs: number;
  /** Most readings per ProcessReadings call. */
  chunkSize: number;
  /** Most ProcessReadings calls out at once (0 = no bound); beyond that, readings gather. */
  maxInFlight: number;
  /** See CoalescerSettings: false forwards a caller at once when no ProcessReadings call is out. */
  lingerWhenIdle: boolean;
}

/**
 * Merges the readings of concurrent callers into one ProcessReadings call (see CallCoalescer). Each
 * caller is answered once the call carrying its readings was accepted, with its own share of the
 * processor's duplicates. A caller whose readings alone exceed `chunkSize` is chunked as on the
 * direct path.
 */
export class ForwardBatcher implements ReadingSink {
  private readonly coalescer: CallCoalescer<Reading, ProcessReadingsResponse, ForwardOutcome>;

  constructor(
    private readonly processor: ReadingProcessor,
    private readonly settings: ForwardBatcherSettings,
    timer: LingerTimer = realTimer,
  ) {
    this.coalescer = new CallCoalescer(
      (readings) => processor.processReadings(readings),
      outcomesPerCaller,
      {
        lingerMs: settings.lingerMs,
        maxItems: settings.chunkSize,
        maxInFlight: settings.maxInFlight,
        lingerWhenIdle: settings.lingerWhenIdle,
      },
      timer,
    );
  }

  forward(readings: readonly Reading[]): Promise<ForwardOutcome> {
    if (readings.length === 0) return Promise.resolve({ processed: 0, duplicates: 0, duplicateIndexes: [] });
    if (this.settings.lingerMs <= 0 || readings.length > this.settings.chunkSize) {
      return forwardInChunks(this.processor, readings, this.settings.chunkSize);
    }
    return this.coalescer.submit(readings);
  }

  get waitingReadings(): number {
    return this.coalescer.waitingItems;
  }

  /** Sends whatever is waiting now (also used on shutdown, before the client is closed). */
  flush(): void {
    this.coalescer.flush();
  }
}

/** Maps the merged request's duplicate positions back onto each caller's slice of it. */
function outcomesPerCaller(
  response: ProcessReadingsResponse,
  callers: ReadonlyArray<readonly Reading[]>,
): ForwardOutcome[] {
  const duplicates = [...new Set(response.duplicateIndexes)];
  let start = 0;
  return callers.map(({ length: size }) => {
    const from = start;
    start += size;
    const duplicateIndexes = duplicates
      .filter((index) => index >= from && index < start)
      .map((index) => index - from)
      .sort((a, b) => a - b);
    return {
      processed: size - duplicateIndexes.length,
      duplicates: duplicateIndexes.length,
      duplicateIndexes,
    };
  });
}
