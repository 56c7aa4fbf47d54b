import { Socket } from 'node:net';

/**
 * Calls `onGone` once the process that started this one has gone. `fd` is this process's end of a
 * pipe whose other end only that process holds (the local launcher passes one to every service); the
 * kernel closes that end when its holder exits, however it exits, SIGKILL included.
 */
export function watchParentLifeline(fd: number, onGone: () => void): void {
  const lifeline = new Socket({ fd, readable: true, writable: false });
  // A reset is the parent going as much as an orderly close.
  lifeline.on('error', () => undefined);
  lifeline.once('close', onGone);
  lifeline.resume();
  // It only watches: it must not keep a stopping service alive.
  lifeline.unref();
}
