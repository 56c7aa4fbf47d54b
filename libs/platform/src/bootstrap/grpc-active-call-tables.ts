import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IdTable } from './id-table.js';

interface SubchannelCall {
  getCallNumber(): number;
}

/**
 * A grpc-js connection's calls in flight, with what grpc-js uses of the Set it keeps them in, by their
 * call numbers (unique in the process). That Set, added to and deleted from on every call, kept every
 * call that passed through it alive through the young collections as Node's stream Map did (IdTable):
 * a grpc-js client running 16 calls at once promoted 1.4 MB of every 5.5 MB young collection, and
 * nothing with this (README, Benchmarks, round 28).
 */
export class ActiveCallTable<Call extends SubchannelCall> {
  private readonly byNumber = new IdTable<Call>();

  get size(): number {
    return this.byNumber.size;
  }

  add(call: Call): this {
    this.byNumber.set(call.getCallNumber(), call);
    return this;
  }

  delete(call: Call): boolean {
    return this.has(call) && this.byNumber.delete(call.getCallNumber());
  }

  has(call: Call): boolean {
    return this.byNumber.get(call.getCallNumber()) === call;
  }

  forEach(visit: (call: Call, again: Call, table: this) => void): void {
    for (const call of this) visit(call, call, this);
  }

  [Symbol.iterator](): IterableIterator<Call> {
    return this.byNumber.values();
  }
}

interface Transport {
  activeCalls?: unknown;
}

interface Connector {
  prototype: { createSession: (this: unknown, ...args: unknown[]) => Promise<Transport> };
}

const isEmptySet = (value: unknown): boolean => value instanceof Set && value.size === 0;

/**
 * Gives every connection grpc-js opens from now on an ActiveCallTable, as its connector hands the new
 * connection over (before its first call). grpc-js does not export the connection's class; its
 * connector is in the package's `transport` module, found beside its entry. A grpc-js whose connector
 * or connection looks otherwise is left as it is. Run once, from the lean-startup preload.
 */
export function installGrpcActiveCallTables(): void {
  const require = createRequire(import.meta.url);
  const transportModule = join(dirname(require.resolve('@grpc/grpc-js')), 'transport.js');
  const { Http2SubchannelConnector: connector } = require(transportModule) as {
    Http2SubchannelConnector?: Connector;
  };
  const createSession = connector?.prototype.createSession;
  if (connector === undefined || typeof createSession !== 'function') return;
  connector.prototype.createSession = function (this: unknown, ...args: unknown[]) {
    return createSession.apply(this, args).then((transport) => {
      if (isEmptySet(transport.activeCalls)) transport.activeCalls = new ActiveCallTable();
      return transport;
    });
  };
}
