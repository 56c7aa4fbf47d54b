import type { Server, ServerWritableStream } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { refusingUndecodableRequests } from './package-definition.js';

type ServingStatus = 'SERVING' | 'NOT_SERVING';
type WatchHandler = (call: ServerWritableStream<unknown, unknown>) => void;

/**
 * grpc.health.v1 (Check and Watch) for a set of services plus the overall "" entry.
 * On shutdown every status flips to NOT_SERVING, watchers receive it, and their streams are
 * ended so that a graceful server shutdown is not held open by long-lived Watch calls.
 */
export class DrainableHealth {
  private readonly health: HealthImplementation;
  private readonly watches = new Set<ServerWritableStream<unknown, unknown>>();

  constructor(private readonly serviceNames: readonly string[]) {
    this.health = new HealthImplementation(
      Object.fromEntries(['', ...serviceNames].map((name) => [name, 'NOT_SERVING'])),
    );
  }

  addToServer(server: Server): void {
    // HealthImplementation only calls addService; hand it one that tracks Watch calls.
    const tracking: Pick<Server, 'addService'> = {
      addService: (definition, implementation) => {
        const watch = implementation['watch'] as WatchHandler;
        const trackedWatch: WatchHandler = (call) => {
          this.watches.add(call);
          call.on('cancelled', () => this.watches.delete(call));
          call.on('finish', () => this.watches.delete(call));
          watch(call);
        };
        refusingUndecodableRequests(server).addService(definition, {
          ...implementation,
          watch: trackedWatch,
        });
      },
    };
    this.health.addToServer(tracking);
  }

  setAll(status: ServingStatus): void {
    for (const name of ['', ...this.serviceNames]) this.health.setStatus(name, status);
  }

  /** NOT_SERVING everywhere, then close the Watch streams. */
  drain(): void {
    this.setAll('NOT_SERVING');
    for (const call of this.watches) call.end();
    this.watches.clear();
  }
}
