import type { ReadingsEvaluator } from '../readings/readings-evaluator.port.js';

/** Used when FORWARD_TO_ALERT_MANAGER=false: readings are aggregated but not evaluated for alerts. */
export class SkippedAlertEvaluation implements ReadingsEvaluator {
  evaluate(): Promise<void> {
    return Promise.resolve();
  }
}
