// `npm start`: every built service on loopback, in dependency order, until Ctrl+C.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PORT_IN_USE_EXIT_CODE } from '@iot-mesh/platform';
import { ServiceStartError } from '@iot-mesh/platform/testing';
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
  const certificates =
    options.mtls && options.certsDir ? ` (certificates: ${resolve(options.certsDir)})` : '';
  console.log(`  data: ${data}; TLS between services: ${stack.tls.mode}${certificates}`);
}

const options = optionsOrExit();
const demo = new AbortController();
let stack: Stack | undefined;
let stopping: Promise<void> | undefined;

const shutdown = (code: number) =>
  (stopping ??= (async () => {
    demo.abort();
    console.log('\nstopping services...');
    await stack?.stop();
    console.log('all services stopped');
    process.exit(code);
  })());

// `npm start | head`: once whoever reads our output has gone, every write fails with EPIPE. Stop the
// stack then, as on Ctrl+C, rather than die of the error and leave the services running.
let outputGone = false;
const onOutputError = (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  outputGone = true;
  if (stack) void shutdown(0);
};
process.stdout.on('error', onOutputError);
process.stderr.on('error', onOutputError);

try {
  stack = await startStack(root, options);
} catch (error) {
  console.error((error as Error).message);
  // A port in use ends the launcher as it ends a service (EX_TEMPFAIL): the same start may work later.
  const portInUse = error instanceof ServiceStartError && error.exitCode === PORT_IN_USE_EXIT_CODE;
  process.exit(portInUse ? PORT_IN_USE_EXIT_CODE : 1);
}
if (outputGone) await shutdown(0);
printSummary(stack, options);

const gateway = stack.services.find((service) => service.httpPort);
if (options.demo && gateway) {
  void runDemo(`http://127.0.0.1:${gateway.httpPort}`, options.operatorToken, demo.signal).catch(
    (error: unknown) =>
      console.error(`demo stopped: ${(error as Error).message} (the services keep running)`),
  );
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
void stack.crashed.then((name) => {
  console.error(`${name} exited unexpectedly; stopping the stack`);
  void shutdown(1);
});
