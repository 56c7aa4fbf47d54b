import { readFileSync } from 'node:fs';
import { SERVICE_PROCESS_ENV } from '../src/bootstrap/service-node-args.js';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';

describe('service process environment', () => {
  let fixture: ServiceProcess | undefined;
  afterEach(async () => {
    await fixture?.stop('SIGKILL');
  });

  it('is what a service process starts with in the tests, as in the image', async () => {
    fixture = await startFixture();
    const environ = readFileSync(`/proc/${fixture.child.pid}/environ`, 'utf8').split('\0');
    expect(Object.keys(SERVICE_PROCESS_ENV).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(SERVICE_PROCESS_ENV)) {
      expect(environ).toContain(`${name}=${value}`);
    }
  });
});
