import type { ProcessReadingsResponse } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { ForwardOutcome, ReadingSink } from '../readings/reading-sink.port.js';
import { forwardInChunks, type ReadingProcessor } from './grpc-data-processor.sink.js';

/** Schedules the linger flush; injectable so tests fire it by hand. */
export interface LingerTimer {
  start(callback: () => void, delayMs: number): unknown;
  cancel(handle: unknown): void;
}

export const realTimer: LingerTimer = {
  start: (callback, delayMs) => setTimeout(callback, delayMs),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ForwardBatcherSettings {
  /** How long the first waiting reading waits for company; 0 forwards every caller directly. */
  lingerMs: number;
  /** Most readings per ProcessReadings call. */
  chunkSize: number;
}

interface Waiting {
  readonly readings: readonly Reading[];
  readonly resolve: (outcome: ForwardOutcome) => void;
  readonly reject: (error: unknown) => void;
}

interface Pending {
  readonly callers: Waiting[];
  size: number;
  timer?: unknown;
}

/**
 * Merges the readings of concurrent callers into one ProcessReadings call: a batch goes out when
 * it has waited `lingerMs` or holds `chunkSize` readings. Each caller is answered once the call
 * carrying its readings was accepted, with its own share of the processor's duplicates; a failed
 * call fails all its callers with the same error. A caller's readings always travel in one call,
 * in order, except when they alone exceed `chunkSize`: then they are chunked as on the direct path.
 */
export class ForwardBatcher implements ReadingSink {
  private pending?: Pending;

  constructor(
    private readonly processor: ReadingProcessor,
    private readonly settings: ForwardBatcherSettings,
    private readonly timer: LingerTimer = realTimer,
  ) {}

  forward(readings: readonly Reading[]): Promise<ForwardOutcome> {
    if (readings.length === 0) return Promise.resolve({ processed: 0, duplicates: 0 });
    if (this.settings.lingerMs <= 0 || readings.length > this.settings.chunkSize) {
      return forwardInChunks(this.processor, readings, this.settings.chunkSize);
    }
    return new Promise<ForwardOutcome>((resolve, reject) => {
      if (this.pending && this.pending.size + readings.length > this.settings.chunkSize) this.flush();
      const pending = (this.pending ??= { callers: [], size: 0 });
      pending.callers.push({ readings, resolve, reject });
      pending.size += readings.length;
      if (pending.size >= this.settings.chunkSize) this.flush();
      else if (pending.timer === undefined) {
        pending.timer = this.timer.start(() => this.flush(), this.settings.lingerMs);
      }
    });
  }

  /** Sends whatever is waiting now (also used on shutdown, before the client is closed). */
  flush(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    if (pending.timer !== undefined) this.timer.cancel(pending.timer);
    void this.send(pending.callers);
  }

  private async send(callers: readonly Waiting[]): Promise<void> {
    let response: ProcessReadingsResponse;
    try {
      response = await this.processor.processReadings(callers.flatMap((caller) => caller.readings));
    } catch (error) {
      for (const caller of callers) caller.reject(error);
      return;
    }
    for (const [caller, outcome] of outcomesPerCaller(callers, response)) caller.resolve(outcome);
  }
}

/** Maps the merged request's duplicate positions back onto each caller's slice of it. */
function outcomesPerCaller(
  callers: readonly Waiting[],
  response: ProcessReadingsResponse,
): Array<[Waiting, ForwardOutcome]> {
  const [only] = callers;
  if (callers.length === 1 && only) {
    // Alone in the call: the response is all ours, exactly as on the direct path.
    return [[only, { processed: response.processedCount, duplicates: response.duplicateCount }]];
  }
  let start = 0;
  return callers.map((caller) => {
    const end = start + caller.readings.length;
    const from = start;
    const duplicates = new Set(response.duplicateIndexes.filter((index) => index >= from && index < end))
      .size;
    start = end;
    return [caller, { processed: caller.readings.length - duplicates, duplicates }];
  });
}
