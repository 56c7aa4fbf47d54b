import { IMPORT_BUILT_PRELOAD, probeInFreshNode } from './fresh-node-probe.testing.js';

// Over a real HTTP/2 connection on loopback (the server made through node:http2's default export, the
// client through a named import, as grpc-js and ES modules reach them): 20 requests at once, then what
// each session keeps its streams in, then the two ways a session ends with streams open. A graceful
// close waits for them (Node asks the table its size); a destroy ends them (Node walks the table).
const script = (withPreload: boolean) => `
  ${withPreload ? IMPORT_BUILT_PRELOAD : ''}
  const http2 = await import('node:http2');
  const { connect } = await import('node:http2');
  const streamsOf = (session) => {
    const key = Object.getOwnPropertySymbols(session).find((symbol) => session[symbol]?.pendingStreams);
    return session[key].streams;
  };
  let serverSession;
  const held = [];
  const server = http2.default.createServer();
  server.on('session', (session) => (serverSession = session));
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    if (headers[':path'] === '/hold') return held.push(stream);
    stream.respond({ ':status': 200 });
    stream.end('served ' + headers[':path']);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = 'http://127.0.0.1:' + server.address().port;
  const fetchBody = (session, path) =>
    new Promise((resolve, reject) => {
      const request = session.request({ ':path': path });
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk) => (body += chunk));
      request.on('error', reject);
      request.on('close', () => resolve(body));
    });

  const session = connect(url);
  const bodies = await Promise.all(Array.from({ length: 20 }, (_, n) => fetchBody(session, '/' + n)));
  const served = bodies.filter((body, n) => body === 'served /' + n).length;
  const tables = [streamsOf(serverSession).constructor.name, streamsOf(session).constructor.name];
  const openAfter = [streamsOf(serverSession).size, streamsOf(session).size];

  // A graceful close with one stream open: the session stays until the stream has ended.
  const held1 = fetchBody(session, '/hold');
  while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  let closed = false;
  session.close(() => (closed = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const closedWhileOpen = closed;
  held[0].respond({ ':status': 200 });
  held[0].end('late');
  const lateBody = await held1;
  await new Promise((resolve) => setTimeout(resolve, 50));

  // A destroy with three streams open: each of them ends with the session's error.
  const other = connect(url);
  other.on('error', () => undefined);
  const failures = Array.from({ length: 3 }, () =>
    fetchBody(other, '/hold').then(() => 'no error', (error) => error.message),
  );
  while (held.length < 4) await new Promise((resolve) => setTimeout(resolve, 5));
  other.destroy(new Error('gone'));
  const errors = await Promise.all(failures);

  console.error(JSON.stringify({ served, tables, openAfter, closedWhileOpen, closed, lateBody, errors }));
  server.close();
`;

interface Seen {
  served: number;
  tables: string[];
  openAfter: number[];
  closedWhileOpen: boolean;
  closed: boolean;
  lateBody: string;
  errors: string[];
}

const run = (withPreload: boolean) => probeInFreshNode<Seen>(script(withPreload));

describe('HTTP/2 stream tables (lean-startup preload)', () => {
  it("are needed: without the preload both sides keep their streams in Node's Map", () => {
    const seen = run(false);
    expect(seen.served).toBe(20);
    expect(seen.tables).toEqual(['SafeMap', 'SafeMap']);
  });

  it('hold the streams of server and client sessions, which work and end as they did', () => {
    const seen = run(true);
    expect(seen.served).toBe(20);
    expect(seen.tables).toEqual(['IdTable', 'IdTable']);
    expect(seen.openAfter).toEqual([0, 0]);
    expect(seen.closedWhileOpen).toBe(false);
    expect(seen.lateBody).toBe('late');
    expect(seen.closed).toBe(true);
    expect(seen.errors).toEqual(['gone', 'gone', 'gone']);
  });
});
