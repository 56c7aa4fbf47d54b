import { IMPORT_BUILT_PRELOAD, probeInFreshNode } from './fresh-node-probe.testing.js';
import { ActiveCallTable } from './grpc-active-call-tables.js';

// A grpc-js server and client over loopback through a TCP relay (messages are raw bytes): 20 calls at
// once, what the client's connection keeps its calls in, then three calls in flight when the relay cuts
// the connection, and how they end (grpc-js walks its calls in flight to fail them).
const script = (withPreload: boolean) => `
  ${withPreload ? IMPORT_BUILT_PRELOAD : ''}
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const require = createRequire(${JSON.stringify(import.meta.url)});
  const grpc = require('@grpc/grpc-js');
  const { Http2SubchannelConnector } = require(join(dirname(require.resolve('@grpc/grpc-js')), 'transport.js'));
  const connections = [];
  const createSession = Http2SubchannelConnector.prototype.createSession;
  Http2SubchannelConnector.prototype.createSession = function (...args) {
    return createSession.apply(this, args).then((transport) => (connections.push(transport), transport));
  };
  const bytes = (value) => value;
  const method = { path: '/probe.Probe/Echo', requestStream: false, responseStream: false,
    requestSerialize: bytes, requestDeserialize: bytes, responseSerialize: bytes, responseDeserialize: bytes };
  const server = new grpc.Server();
  let held = 0;
  server.addService({ Echo: method }, {
    Echo: (call, callback) => (String(call.request) === 'hold' ? (held += 1) : callback(null, call.request)),
  });
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  const net = await import('node:net');
  const sockets = [];
  const relay = net.createServer((near) => {
    const far = net.connect(port, '127.0.0.1');
    near.pipe(far).pipe(near);
    sockets.push(near, far);
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const Client = grpc.makeGenericClientConstructor({ Echo: method }, 'Probe');
  const client = new Client('127.0.0.1:' + relay.address().port, grpc.credentials.createInsecure());
  const echo = (text) => new Promise((resolve) =>
    client.Echo(Buffer.from(text), { deadline: Date.now() + 20_000 }, (error, answer) =>
      resolve(error ? error.code + ' ' + error.details : String(answer))));

  const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => echo('call ' + n)));
  const served = answers.filter((answer, n) => answer === 'call ' + n).length;
  const table = connections.map((connection) => connection.activeCalls.constructor.name);
  const inFlightAfter = connections.map((connection) => connection.activeCalls.size);

  const dropped = Array.from({ length: 3 }, () => echo('hold'));
  while (held < 3) await new Promise((resolve) => setTimeout(resolve, 5));
  const inFlight = connections[0].activeCalls.size;
  for (const socket of sockets) socket.destroy();
  const endings = await Promise.all(dropped);
  console.error(JSON.stringify({ served, table, inFlightAfter, inFlight, endings }));
  client.close();
  relay.close();
  server.forceShutdown();
`;

interface Seen {
  served: number;
  table: string[];
  inFlightAfter: number[];
  inFlight: number;
  endings: string[];
}

const run = (withPreload: boolean) => probeInFreshNode<Seen>(script(withPreload));
// Both cases read the run without the preload: one fresh Node for it, not two.
let runWithout: Seen | undefined;
const withoutPreload = () => (runWithout ??= run(false));

describe('grpc-js active-call tables (lean-startup preload)', () => {
  it('are needed: without the preload a connection keeps its calls in a Set', () => {
    const seen = withoutPreload();
    expect(seen.served).toBe(20);
    expect(seen.table).toEqual(['Set']);
  });

  it('hold the calls of every connection, which are served and fail as they did when it drops', () => {
    const without = withoutPreload();
    const seen = run(true);
    expect(seen.served).toBe(20);
    expect(seen.table).toEqual(['ActiveCallTable']);
    expect(seen.inFlightAfter).toEqual([0]);
    expect(seen.inFlight).toBe(3);
    // What grpc-js says of each call it finds among those in flight when the connection drops.
    expect(seen.endings).toEqual(Array(3).fill('14 Connection dropped'));
    expect(without.endings).toEqual(seen.endings);
  });
});

describe('ActiveCallTable', () => {
  const call = (number: number) => ({ getCallNumber: () => number });

  it('keeps calls by their call numbers as a Set keeps them', () => {
    const table = new ActiveCallTable<{ getCallNumber(): number }>();
    const [first, second] = [call(7), call(9)];
    expect(table.add(first).add(second).add(first)).toBe(table);
    expect(table.size).toBe(2);
    expect(table.has(second)).toBe(true);
    expect([...table]).toEqual([first, second]);
    const visited: number[] = [];
    table.forEach((each) => visited.push(each.getCallNumber()));
    expect(visited).toEqual([7, 9]);
    // Another call with the same number is not the one kept.
    expect(table.has(call(9))).toBe(false);
    expect(table.delete(call(9))).toBe(false);
    expect(table.delete(second)).toBe(true);
    expect(table.delete(second)).toBe(false);
    expect(table.size).toBe(1);
  });
});
