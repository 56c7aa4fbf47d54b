import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { localServiceNodeArgs } from '@iot-mesh/platform';

export interface RunningChild {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves once what it printed has been read to the end (after it exited). */
  outputRead: Promise<void>;
  /** The last lines the service printed, to explain a failed start even when its output is not shown. */
  lastLines: string[];
}

const KEPT_LINES = 20;

const COLORS = [36, 33, 35, 32, 34, 91, 96];

/** One line of a service's JSON log, shortened for a terminal: "[name] level message {extra}". */
export function formatLogLine(name: string, color: number, line: string): string {
  const prefix = `\u001b[${color}m[${name}]\u001b[0m`;
  try {
    const {
      level,
      msg,
      time: _time,
      service: _service,
      context: _context,
      ...extra
    } = JSON.parse(line) as Record<string, unknown>;
    const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
    return `${prefix} ${String(level)} ${String(msg)}${details}`;
  } catch {
    return `${prefix} ${line}`;
  }
}

/** Starts one service with its Node arguments (its V8 settings, the preloads) and prefixes its output with its name. */
export function runService(
  name: string,
  index: number,
  entry: string,
  env: NodeJS.ProcessEnv,
  quiet = false,
): RunningChild {
  // File descriptor 3 is the service's lifeline: this process holds the other end, and the kernel
  // closes it when this process exits, however it exits, so that a launcher killed outright leaves no
  // service running (PARENT_LIFELINE_FD, see the platform's installGracefulShutdown).
  const child = spawn(process.execPath, [...localServiceNodeArgs(name), entry], {
    env: { ...env, PARENT_LIFELINE_FD: '3' },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const lifeline = child.stdio[3] as Socket;
  lifeline.resume();
  lifeline.unref();
  const color = COLORS[index % COLORS.length];
  const lastLines: string[] = [];
  // Both are pipes (stdio above); typed as possibly missing only because of the fourth entry.
  for (const stream of [child.stdout, child.stderr] as Readable[]) {
    createInterface({ input: stream }).on('line', (line) => {
      lastLines.push(line);
      if (lastLines.length > KEPT_LINES) lastLines.shift();
      if (!quiet) console.log(formatLogLine(name, color, line));
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const outputRead = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { name, child, exited, outputRead, lastLines };
}
