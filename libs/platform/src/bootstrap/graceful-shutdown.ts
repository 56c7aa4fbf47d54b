import type { Logger } from 'pino';
import { logsSettled } from '../observability/logger.js';
import { watchParentLifeline } from './parent-lifeline.js';

export interface ShutdownStep {
  /** Flip readiness and health first, so load balancers and the mesh stop sending new calls. */
  stopAccepting(): void;
  /** Wait for in-flight calls to finish (the gRPC server's graceful shutdown). */
  drain(): Promise<void>;
  /** Release the rest: admin port, tracing exporter. */
  release(): Promise<void>;
}

/**
 * On SIGTERM or SIGINT: stop accepting, drain in-flight calls, release, let the log lines out, exit 0.
 * If draining takes longer than `timeoutMs` the process exits 1 anyway, inside Kubernetes' grace period.
 * With `parentLifelineFd` (PARENT_LIFELINE_FD, set by the local launcher) the same happens when the
 * process that started this one has gone, so that a launcher killed outright leaves no service behind.
 */
export function installGracefulShutdown(
  steps: ShutdownStep,
  timeoutMs: number,
  logger: Logger,
  parentLifelineFd?: number,
): void {
  let shuttingDown = false;
  const shutdown = async (cause: NodeJS.Signals | 'parent gone') => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ cause }, 'shutting down: draining in-flight calls');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting with calls still open');
      process.exit(1);
    }, timeoutMs).unref();
    steps.stopAccepting();
    let code = 0;
    try {
      await steps.drain();
      await steps.release();
      logger.info('stopped');
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      code = 1;
    }
    // Also the code if the loop empties while the logs settle (the timers involved are unref'd).
    process.exitCode = code;
    await logsSettled(logger);
    process.exit(code);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
  if (parentLifelineFd !== undefined)
    watchParentLifeline(parentLifelineFd, () => void shutdown('parent gone'));
}
