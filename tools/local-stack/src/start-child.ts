import { setTimeout as sleep } from 'node:timers/promises';
import { PORT_IN_USE_EXIT_CODE, type TlsSettings } from '@iot-mesh/platform';
import { ServiceStartError } from '@iot-mesh/platform/testing';
import { listensOn } from './port-owner.js';
import { runService, type RunningChild } from './service-runner.js';
import { waitUntilServing } from './wait-until-serving.js';

export interface ChildStart {
  name: string;
  /** Position in the stack, for the colour of its output. */
  index: number;
  entry: string;
  env: NodeJS.ProcessEnv;
  quiet?: boolean;
  /** Where its health is checked: host:grpcPort. */
  address: string;
  grpcPort: number;
  tls: TlsSettings;
  /** The service its health check names, so that another API's server on the port does not pass for it. */
  api: string;
  timeoutMs?: number;
}

const alive = (child: RunningChild) => child.child.exitCode === null && child.child.signalCode === null;

/**
 * Starts one service's process and resolves once it reports SERVING; a ServiceStartError says why it
 * did not. Only the process just started counts: one that has exited never does, even when a health
 * check on its port was answered, which another process holding the port (another local stack) can do.
 */
export async function startChild(start: ChildStart): Promise<RunningChild> {
  const timeoutMs = start.timeoutMs ?? 30_000;
  const child = runService(start.name, start.index, start.entry, start.env, start.quiet);
  const polling = new AbortController();
  const wait = await Promise.race([
    waitUntilServing(start.address, start.tls, timeoutMs, start.api, polling.signal),
    child.exited.then(() => undefined),
  ]);
  polling.abort();
  const served = wait?.serving === true && alive(child);
  const answeredByOther = served && listensOn(child.child.pid, start.grpcPort) === false;
  if (served && !answeredByOther) return child;

  child.child.kill('SIGTERM');
  const exitCode = child.child.exitCode;
  await child.exited;
  // Its last lines explain the failure; a process it left holding its output must not hold this up.
  await Promise.race([child.outputRead, sleep(2_000, undefined, { ref: false })]);
  const lastOutput = `its last output:\n${child.lastLines.join('\n')}`;
  if (exitCode !== null)
    throw new ServiceStartError(
      `${start.name} exited with code ${exitCode} while starting; ${lastOutput}`,
      exitCode,
    );
  if (answeredByOther) {
    throw new ServiceStartError(
      `${start.name}: another process answers on GRPC_PORT ${start.grpcPort} (is another local stack running?)`,
      PORT_IN_USE_EXIT_CODE,
      'GRPC_PORT',
    );
  }
  const seconds = Math.round(timeoutMs / 1000);
  const health = wait?.lastError ? `; the last health check: ${wait.lastError}` : '';
  throw new ServiceStartError(
    `${start.name} did not report SERVING within ${seconds} s${health}; ${lastOutput}`,
    exitCode,
  );
}
