// `npm start`: every built service on loopback, in dependency order, until Ctrl+C.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo.js';
import { startStack, type Stack } from './stack.js';
import { parseStackOptions, usage, type StackOptions } from './stack-options.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function optionsOrExit(): StackOptions {
  try {
    const parsed = parseStackOptions(process.argv.slice(2));
    if (parsed !== 'help') return parsed;
    console.log(usage());
    process.exit(0);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
}

function printSummary(stack: Stack, options: StackOptions): void {
  console.log('\niot-mesh is running (Ctrl+C stops it):');
  for (const service of stack.services) {
    console.log(
      `  ${service.name.padEnd(18)} grpc ${stack.address(service.name)}   metrics http://127.0.0.1:${service.adminPort}/metrics`,
    );
  }
  const gateway = stack.services.find((service) => service.httpPort);
  if (gateway) {
    console.log(
      `\n  REST API   http://127.0.0.1:${gateway.httpPort}/api/v1   (docs: http://127.0.0.1:${gateway.httpPort}/docs)`,
    );
    console.log(`  status     http://127.0.0.1:${gateway.httpPort}/status`);
    console.log(`  device gRPC ${stack.address(gateway.name)} (iotmesh.edge.v1.EdgeGateway)`);
    console.log(`  operator token: ${options.operatorToken}  (Authorization: Bearer <token>)`);
  }
  if (stack.notBuilt.length > 0) console.log(`  not built, not started: ${stack.notBuilt.join(', ')}`);
  const data =
    options.storage === 'postgres' ? 'PostgreSQL (one schema per service)' : resolve(options.dataDir);
  console.log(`  data: ${data}; TLS between services: ${stack.tls.mode}`);
}

const options = optionsOrExit();
let stack: Stack;
try {
  stack = await startStack(root, options);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
printSummary(stack, options);

const demo = new AbortController();
const gateway = stack.services.find((service) => service.httpPort);
if (options.demo && gateway) {
  void runDemo(`http://127.0.0.1:${gateway.httpPort}`, options.operatorToken, demo.signal).catch(
    (error: unknown) => console.error(`demo stopped: ${(error as Error).message}`),
  );
}

const shutdown = async (code: number) => {
  demo.abort();
  console.log('\nstopping services...');
  await stack.stop();
  console.log('all services stopped');
  process.exit(code);
};
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
void stack.crashed.then((name) => {
  console.error(`${name} exited unexpectedly; stopping the stack`);
  void shutdown(1);
});
