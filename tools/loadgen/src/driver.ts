import type { FleetDevice } from './fleet.js';
import type { OutgoingBatch } from './readings.js';
import type { LoadRecorder } from './recorder.js';

/** Sends one simulated device's messages and reports each outcome to the recorder. */
export interface DeviceSender {
  /** Calls sent and not yet answered or failed. */
  readonly inFlight: number;
  /** Sends without waiting: the schedule, not the server, sets the pace. */
  send(batch: OutgoingBatch): void;
  /** Resolves once every call sent has been answered or has failed (each one has a time limit). */
  drain(): Promise<void>;
  /** Ends the device's connection state (a stream is half-closed). */
  close(): Promise<void>;
}

/** A protocol: one sender per device over shared connections. */
export interface FleetDriver {
  /** Where the readings go, for the report. */
  readonly target: string;
  sender(device: FleetDevice, recorder: LoadRecorder): DeviceSender;
  close(): void;
}
