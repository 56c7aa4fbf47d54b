// A bare node:http server (no framework, no work) answering every POST with a small JSON body, run as
// its own process for (h), and for (i) after the delay its first argument gives (ms). Prints its port on
// stdout.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const answerDelayMs = Number(process.argv[2] ?? 0);
const answer = (response: ServerResponse) => {
  response.setHeader('content-type', 'application/json');
  response.end('{"ok":true}');
};

const server = createServer((request, response) => {
  request.resume();
  request.once('end', () => {
    if (answerDelayMs > 0) setTimeout(answer, answerDelayMs, response);
    else answer(response);
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});
process.once('SIGTERM', () => process.exit(0));
