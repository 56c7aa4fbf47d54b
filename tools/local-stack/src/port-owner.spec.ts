import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { freePort } from '@iot-mesh/platform/testing';
import { listensOn } from './port-owner.js';

const linux = existsSync('/proc/net/tcp');

(linux ? describe : describe.skip)('which process listens on a port (Linux /proc)', () => {
  it('tells the process that holds the port from one that does not', async () => {
    const port = await freePort();
    const holder = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('listening'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => createInterface({ input: holder.stdout }).once('line', resolve));
      expect(listensOn(holder.pid, port)).toBe(true);
      expect(listensOn(process.pid, port)).toBe(false);
    } finally {
      holder.kill();
    }
  });

  it('cannot say for a port nobody listens on', async () => {
    expect(listensOn(process.pid, await freePort())).toBeUndefined();
  });
});
