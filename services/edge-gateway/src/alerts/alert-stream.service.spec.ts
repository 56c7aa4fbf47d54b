import { StreamShutdown } from '@iot-mesh/platform';
import { EMPTY, NEVER, type Observable } from 'rxjs';
import type { Downstream } from '../downstream/downstream-clients.js';
import { AlertStreamService } from './alert-stream.service.js';

const noFilter = { state: 0, severity: 0, deviceId: '', ruleId: '' };
const live = { resumeAfterSequence: 0, replayFromStart: false };

/** The alert manager's stream never ends by itself: only the gateway's shutdown ends it here. */
const endless = { alerts: { watchAlerts: () => NEVER } } as unknown as Downstream;

/** How a watch ends: its error's code, 'completed', or 'open' if it has not ended by the next turn. */
const endOf = (stream: Observable<unknown>) =>
  new Promise<string>((resolve) => {
    const subscription = stream.subscribe({
      complete: () => resolve('completed'),
      error: (error: { code?: unknown }) => resolve(typeof error.code === 'string' ? error.code : 'error'),
    });
    // Still open once everything scheduled so far has run: it would hold the shutdown open.
    setImmediate(() => {
      subscription.unsubscribe();
      resolve('open');
    });
  });

describe('AlertStreamService', () => {
  it('ends open watchers on shutdown with UNAVAILABLE, and those that arrive after it began', async () => {
    const shutdown = new StreamShutdown();
    const service = new AlertStreamService(endless, shutdown);
    const open = endOf(service.watch(noFilter, live));
    shutdown.endAll();
    await expect(open).resolves.toBe('GATEWAY.SHUTTING_DOWN');
    await expect(endOf(service.watch(noFilter, live))).resolves.toBe('GATEWAY.SHUTTING_DOWN');
  });

  it('ends a watcher with UNAVAILABLE when the alert manager ends its stream, not with a normal end', async () => {
    const ending = { alerts: { watchAlerts: () => EMPTY } } as unknown as Downstream;
    await expect(
      endOf(new AlertStreamService(ending, new StreamShutdown()).watch(noFilter, live)),
    ).resolves.toBe('DOWNSTREAM.UNAVAILABLE');
  });

  it('leaves watchers open while the gateway runs', async () => {
    await expect(
      endOf(new AlertStreamService(endless, new StreamShutdown()).watch(noFilter, live)),
    ).resolves.toBe('open');
  });
});
