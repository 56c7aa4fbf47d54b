import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { MAX_READINGS_PER_CALL, toServiceDefinition } from '@iot-mesh/platform';
import {
  AlertManagerDefinition,
  type EvaluateReadingsRequest,
  type EvaluateReadingsResponse,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { evaluationRefusal } from './evaluation-refusal.js';

/**
 * A real gRPC AlertManager that only implements EvaluateReadings: it records calls, refuses more
 * readings per call than the alert manager takes, and can be made to fail, or to refuse some readings
 * for good.
 */
export class AlertManagerStub {
  /** Reading ids of every EvaluateReadings call received, failed ones included. */
  readonly calls: string[][] = [];
  /** Reading ids of the calls it answered OK. */
  readonly accepted: string[][] = [];
  /** While true, every call fails with UNAVAILABLE. */
  unavailable = false;
  /** Ids of readings it refuses for good: a call carrying any of them fails with INVALID_ARGUMENT. */
  readonly refused = new Set<string>();
  /** While true, calls get no answer at all (a frozen process), until `answerHeld`. */
  hung = false;
  private readonly held: sendUnaryData<EvaluateReadingsResponse>[] = [];

  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  static async start(): Promise<AlertManagerStub> {
    const server = new Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const stub = new AlertManagerStub(server, `127.0.0.1:${port}`);
    server.addService(toServiceDefinition(AlertManagerDefinition), {
      evaluateReadings: (
        call: ServerUnaryCall<EvaluateReadingsRequest, EvaluateReadingsResponse>,
        callback: sendUnaryData<EvaluateReadingsResponse>,
      ) => stub.evaluate(call.request, callback),
    });
    return stub;
  }

  /** All reading ids evaluated by successful or failed calls, flattened. */
  evaluatedIds(): string[] {
    return this.calls.flat();
  }

  /** Ends the hang: the calls held so far fail with UNAVAILABLE, as a process coming back would drop them. */
  answerHeld(): void {
    this.hung = false;
    for (const callback of this.held.splice(0)) {
      callback({ code: status.UNAVAILABLE, details: 'alert manager was frozen (test)' });
    }
  }

  stop(): Promise<void> {
    this.answerHeld();
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private evaluate(
    request: EvaluateReadingsRequest,
    callback: sendUnaryData<EvaluateReadingsResponse>,
  ): void {
    this.calls.push(request.readings.map((r) => r.readingId));
    if (request.readings.length > MAX_READINGS_PER_CALL) {
      callback({
        code: status.INVALID_ARGUMENT,
        details: `at most ${MAX_READINGS_PER_CALL} readings per request`,
      });
      return;
    }
    if (this.hung) {
      this.held.push(callback);
      return;
    }
    if (this.unavailable) {
      callback({ code: status.UNAVAILABLE, details: 'alert manager is down (test)' });
      return;
    }
    const refusal = evaluationRefusal(request.readings, this.refused);
    if (refusal) {
      callback(refusal);
      return;
    }
    this.accepted.push(request.readings.map((r) => r.readingId));
    callback(null, { evaluatedCount: request.readings.length, changedAlerts: [] });
  }
}
