import { IMPORT_BUILT_PRELOAD, probeInFreshNode } from './fresh-node-probe.testing.js';

// One request over a real HTTP/2 connection on loopback (the server made through node:http2's default
// export, the client through a named import, as grpc-js and ES modules reach them), a second one the
// client resets, then the events each side's streams still listen for once closed, and whether an
// error emitted late throws.
const script = (withPreload: boolean) => `
  ${withPreload ? IMPORT_BUILT_PRELOAD : ''}
  const http2 = await import('node:http2');
  const { connect } = await import('node:http2');
  const serverStreams = [];
  const server = http2.default.createServer();
  server.on('stream', (stream, headers) => {
    serverStreams.push(new Promise((resolve) => stream.on('close', () => resolve(stream))));
    stream.on('data', () => undefined);
    stream.on('error', () => undefined);
    if (headers[':path'] === '/hold') return;
    stream.respond({ ':status': 200 });
    stream.end('served');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const session = connect('http://127.0.0.1:' + server.address().port);
  const request = session.request({ ':path': '/' });
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  await new Promise((resolve) => request.on('close', resolve));
  const reset = session.request({ ':path': '/hold' });
  reset.on('error', () => undefined);
  const resetClosed = new Promise((resolve) => reset.on('close', resolve));
  while (serverStreams.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  reset.close(http2.constants.NGHTTP2_CANCEL);
  const closedOnServer = await Promise.all(serverStreams);
  await resetClosed;
  for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  let lateErrorThrew = false;
  try {
    request.emit('error', new Error('late'));
  } catch {
    lateErrorThrew = true;
  }
  const listening = (stream) => stream.eventNames().map(String).sort();
  console.error(JSON.stringify({
    body,
    client: [request, reset].map(listening),
    server: closedOnServer.map(listening),
    lateErrorThrew,
  }));
  session.close();
  server.close();
`;

interface Seen {
  body: string;
  client: string[][];
  server: string[][];
  lateErrorThrew: boolean;
}

const run = (withPreload: boolean) => probeInFreshNode<Seen>(script(withPreload));

describe('HTTP/2 streams release their listeners once closed (lean-startup preload)', () => {
  it('is needed: without the preload closed streams keep every listener they had', () => {
    const seen = run(false);
    expect(seen.body).toBe('served');
    for (const events of [...seen.client, ...seen.server]) expect(events).toContain('close');
    expect(seen.client[0]).toContain('data');
    expect(seen.server[0]).toContain('data');
    expect(seen.lateErrorThrew).toBe(true);
  });

  it('drops the listeners of closed server and client streams, ended or reset, and a late error does not throw', () => {
    const seen = run(true);
    expect(seen.body).toBe('served');
    expect(seen.client).toEqual([['error'], ['error']]);
    expect(seen.server).toEqual([['error'], ['error']]);
    expect(seen.lateErrorThrew).toBe(false);
  });
});
