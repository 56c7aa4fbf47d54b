import type { Logger } from 'pino';

/**
 * Exit code of a service whose port is taken. EX_TEMPFAIL from sysexits.h: the same start may work on
 * another port or a moment later, so a launcher that chose the port may choose again.
 */
export const PORT_IN_USE_EXIT_CODE = 75;

function addressInUse(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // grpc-js reports a failed bind in the message of its own error, without the code.
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || error.message.includes('EADDRINUSE');
}

/**
 * Runs one step of the start that binds a port. When the port is taken, one log line names the setting
 * and the port, and the process exits with PORT_IN_USE_EXIT_CODE rather than a stack trace.
 */
export async function listenOrExit<T>(
  setting: string,
  port: number,
  logger: Logger,
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if (!addressInUse(error)) throw error;
    logger.fatal({ setting, port }, `${setting} ${port} is already in use by another process`);
    process.exit(PORT_IN_USE_EXIT_CODE);
  }
}
