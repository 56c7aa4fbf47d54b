import { NEVER, type Observable } from 'rxjs';
import type { Downstream } from '../downstream/downstream-clients.js';
import { AlertStreamService } from './alert-stream.service.js';

const noFilter = { state: 0, severity: 0, deviceId: '', ruleId: '' };
const live = { resumeAfterSequence: 0, replayFromStart: false };

/** The alert manager's stream never ends by itself: only the gateway's shutdown ends it here. */
const endless = { alerts: { watchAlerts: () => NEVER } } as unknown as Downstream;

const completes = (stream: Observable<unknown>) =>
  new Promise<boolean>((resolve) => {
    const subscription = stream.subscribe({ complete: () => resolve(true), error: () => resolve(false) });
    // Still open once everything scheduled so far has run: it would hold the shutdown open.
    setImmediate(() => {
      subscription.unsubscribe();
      resolve(false);
    });
  });

describe('AlertStreamService', () => {
  it('ends open watchers on shutdown, and those that arrive after it began', async () => {
    const service = new AlertStreamService(endless);
    const open = completes(service.watch(noFilter, live));
    service.closeAll();
    await expect(open).resolves.toBe(true);
    await expect(completes(service.watch(noFilter, live))).resolves.toBe(true);
  });

  it('leaves watchers open while the gateway runs', async () => {
    await expect(completes(new AlertStreamService(endless).watch(noFilter, live))).resolves.toBe(false);
  });
});
