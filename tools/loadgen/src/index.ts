export { runLoad } from './run-load.js';
export {
  parseLoadOptions,
  LoadOptionsError,
  type LoadOptions,
  type LoadOptionsInput,
  type Protocol,
} from './load-options.js';
export type { LoadReport, LatencySummary } from './report.js';
export type { ErrorTally } from './recorder.js';
export { formatReport, formatReportJson } from './report-format.js';
export { fleetDeviceIds } from './fleet.js';
export { KEY_DESCRIPTION, isLoadgenKey } from './run-keys.js';
export { BEYOND_NORMAL_CELSIUS, NORMAL_CELSIUS } from './readings.js';
export { runCli } from './cli.js';
export { untilStopSignal } from './stop-signals.js';
export { runPacer, type PacerStats } from './pacer.js';
// The schedule and REST devices without a gateway's registration, for the bench's (i).
export { sendOnSchedule } from './run-load.js';
export { restFleetDriver } from './rest-driver.js';
export type { FleetDevice } from './fleet.js';
export { latencySummary } from './report.js';
