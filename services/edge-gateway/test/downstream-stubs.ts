import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { startGateway } from './gateway-process.js';
import {
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { toServiceDefinition, type GrpcErrorObject } from '@iot-mesh/platform';
import { HealthImplementation } from 'grpc-health-check';
import { isObservable, NEVER, type Observable } from 'rxjs';
import { DOWNSTREAM_APIS } from '../src/downstream/downstream-clients.js';

// One real gRPC server standing in for every service the gateway calls: each method records the
// requests it gets and answers its response message's defaults, or what a test tells it to.

/** An answer: the response, a gRPC failure (toGrpcError), or for a streaming method an Observable of responses. */
export type StubAnswer = (request: never) => unknown;

export interface DownstreamStubs {
  /** The gateway's environment naming this server for every downstream. */
  readonly env: Record<string, string>;
  /** The requests a method (by its proto name: `CreateRule`) got, in order. */
  requests<T>(method: string): T[];
  /** What a method answers from now on. */
  answer(method: string, answer: StubAnswer): void;
  /** How many messages a streaming method has sent: taken by HTTP/2, as far as its client's window let them. */
  sent(method: string): number;
  stop(): Promise<void>;
}

const isFailure = (answer: unknown): answer is GrpcErrorObject =>
  typeof answer === 'object' && answer !== null && 'code' in answer && 'metadata' in answer;

const ADDRESS_VARIABLES = [
  'DEVICE_REGISTRY_ADDRESS',
  'SENSOR_INGESTION_ADDRESS',
  'DATA_PROCESSOR_ADDRESS',
  'ALERT_MANAGER_ADDRESS',
  'NOTIFICATION_ADDRESS',
];

/** `serving`: the server also answers grpc.health.v1 checks, SERVING for every service (none otherwise). */
export async function startDownstreamStubs({ serving = false } = {}): Promise<DownstreamStubs> {
  const server = new Server();
  if (serving) {
    const names = Object.values(DOWNSTREAM_APIS).map(({ definition }) => definition.fullName);
    new HealthImplementation(Object.fromEntries(names.map((name) => [name, 'SERVING']))).addToServer(server);
  }
  const requests = new Map<string, unknown[]>();
  const answers = new Map<string, StubAnswer>();
  const sent = new Map<string, number>();
  const record = (method: string, request: unknown) => {
    requests.set(method, [...(requests.get(method) ?? []), request]);
  };

  for (const { definition } of Object.values(DOWNSTREAM_APIS)) {
    const handlers: UntypedServiceImplementation = {};
    for (const method of Object.values(definition.methods)) {
      // A message with every field at its default: what decoding no bytes gives.
      const defaults = () => method.responseType.decode(new Uint8Array());
      const answerTo = (request: unknown) =>
        (answers.get(method.name) ?? (() => (method.responseStream ? NEVER : defaults())))(request as never);
      if (method.responseStream) {
        handlers[method.name] = (call: ServerWritableStream<unknown, unknown>) => {
          record(method.name, call.request);
          const answered = answerTo(call.request);
          const responses: Observable<unknown> = isObservable(answered) ? answered : NEVER;
          const subscription = responses.subscribe({
            next: (response) =>
              call.write(response, () => sent.set(method.name, (sent.get(method.name) ?? 0) + 1)),
            error: (failure: GrpcErrorObject) => call.emit('error', failure),
            complete: () => call.end(),
          });
          call.on('cancelled', () => subscription.unsubscribe());
        };
      } else {
        handlers[method.name] = (
          call: ServerUnaryCall<unknown, unknown>,
          callback: sendUnaryData<unknown>,
        ) => {
          record(method.name, call.request);
          void Promise.resolve(answerTo(call.request)).then((answered) =>
            isFailure(answered) ? callback(answered) : callback(null, answered),
          );
        };
      }
    }
    server.addService(toServiceDefinition(definition), handlers);
  }

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const address = `127.0.0.1:${port}`;
  return {
    env: Object.fromEntries(ADDRESS_VARIABLES.map((variable) => [variable, address])),
    requests: <T>(method: string) => (requests.get(method) ?? []) as T[],
    answer: (method, answer) => answers.set(method, answer),
    sent: (method) => sent.get(method) ?? 0,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/**
 * A gateway process against fresh downstream stubs, for one describe block: both start before its tests
 * and stop after them. Read `stubs` and `gateway` inside the tests.
 */
export function gatewayOnStubs(env: Record<string, string> = {}): {
  stubs: DownstreamStubs;
  gateway: ServiceProcess;
} {
  const running = {} as { stubs: DownstreamStubs; gateway: ServiceProcess };
  beforeAll(async () => {
    running.stubs = await startDownstreamStubs();
    running.gateway = await startGateway({ ...running.stubs.env, ...env });
  });
  afterAll(async () => {
    await running.gateway?.stop();
    await running.stubs?.stop();
  });
  return running;
}
