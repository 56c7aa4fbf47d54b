import { spawnSync } from 'node:child_process';

// The built preload, as the services load it; each case runs in a fresh Node process, since the
// preload changes node:http2 for the whole process.
const BUILT_PRELOAD_URL = new URL('../../dist/bootstrap/lean-startup.preload.js', import.meta.url).href;

// One request over a real HTTP/2 connection on loopback (the server made through node:http2's default
// export, the client through a named import, as grpc-js and ES modules reach them), then the events
// each side's stream still listens for once it has closed, and whether an error emitted late throws.
const script = (withPreload: boolean) => `
  ${withPreload ? `await import(${JSON.stringify(BUILT_PRELOAD_URL)});` : ''}
  const http2 = await import('node:http2');
  const { connect } = await import('node:http2');
  const server = http2.default.createServer();
  const serverClosed = new Promise((resolve) =>
    server.on('stream', (stream) => {
      stream.on('data', () => undefined);
      stream.on('close', () => resolve(stream));
      stream.respond({ ':status': 200 });
      stream.end('served');
    }),
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const session = connect('http://127.0.0.1:' + server.address().port);
  const request = session.request({ ':path': '/' });
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  await new Promise((resolve) => request.on('close', resolve));
  const serverStream = await serverClosed;
  for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  let lateErrorThrew = false;
  try {
    request.emit('error', new Error('late'));
  } catch {
    lateErrorThrew = true;
  }
  console.error(JSON.stringify({
    body,
    client: request.eventNames().map(String),
    server: serverStream.eventNames().map(String),
    lateErrorThrew,
  }));
  session.close();
  server.close();
`;

function oneRequest(withPreload: boolean) {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script(withPreload)], {
    encoding: 'utf8',
  });
  expect(run.stderr).not.toContain('Error:');
  expect(run.status).toBe(0);
  return JSON.parse(run.stderr.trim().split('\n').pop() ?? '{}') as {
    body: string;
    client: string[];
    server: string[];
    lateErrorThrew: boolean;
  };
}

describe('HTTP/2 streams released once closed (lean-startup preload)', () => {
  it('is needed: without it a closed stream keeps every listener it had', () => {
    const seen = oneRequest(false);
    expect(seen.body).toBe('served');
    expect(seen.client).toEqual(expect.arrayContaining(['data', 'close']));
    expect(seen.server).toEqual(expect.arrayContaining(['data', 'close']));
  });

  it('drops the listeners of closed server and client streams, and a late error does not throw', () => {
    const seen = oneRequest(true);
    expect(seen.body).toBe('served');
    expect(seen.client).toEqual(['error']);
    expect(seen.server).toEqual(['error']);
    expect(seen.lateErrorThrew).toBe(false);
  });
});
