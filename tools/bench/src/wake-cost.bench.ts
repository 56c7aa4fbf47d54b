import { Agent, request } from 'node:http';
import { runPacer } from '@iot-mesh/loadgen';
import { startChildServer } from './child-server.js';
import { cpuSeconds } from './process-cpu.js';

export interface WakeCost {
  lightRate: number;
  busyRate: number;
  /** The server's CPU time per request when it sleeps between requests, and when it seldom does. */
  lightCpuUsPerRequest: number;
  busyCpuUsPerRequest: number;
}

/**
 * What it costs a process on this machine to be woken for each piece of work: the same bare HTTP
 * request, paced at a light rate (the server sleeps between requests) and at a busy one (it finds the
 * next request waiting), and the server's CPU per request at each. The difference is the price of
 * waking that every service pays at (c0), and where the pipeline's calls arrive apart.
 */
export async function wakeCost(lightRate: number, busyRate: number, seconds: number): Promise<WakeCost> {
  const server = await startChildServer('bare-http-server.js');
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    const { port, pid } = server;
    const post = () =>
      new Promise<void>((resolve, reject) => {
        const outgoing = request(
          { host: '127.0.0.1', port, method: 'POST', path: '/', agent },
          (response) => {
            response.resume();
            response.once('end', resolve);
          },
        );
        outgoing.once('error', reject);
        outgoing.end('{"value":21.5}');
      });
    const cpuPerRequest = async (rate: number, durationSeconds: number) => {
      const answers: Promise<void>[] = [];
      const before = cpuSeconds(pid);
      const stats = await runPacer({ ticksPerSecond: rate, durationMs: durationSeconds * 1000 }, () =>
        answers.push(post()),
      );
      await Promise.all(answers);
      return ((cpuSeconds(pid) - before) * 1e6) / stats.ticks;
    };
    // Warmed up first, so that both rates run compiled code.
    await cpuPerRequest(busyRate, 2);
    return {
      lightRate,
      busyRate,
      lightCpuUsPerRequest: await cpuPerRequest(lightRate, seconds),
      busyCpuUsPerRequest: await cpuPerRequest(busyRate, seconds),
    };
  } finally {
    agent.destroy();
    await server.stop();
  }
}
