import { StreamShutdown } from '@iot-mesh/platform';
import { Registry } from 'prom-client';
import { EMPTY, NEVER, of, type Observable } from 'rxjs';
import type { Downstream } from '../downstream/downstream-clients.js';
import { AlertStreamService } from './alert-stream.service.js';

const noFilter = { state: 0, severity: 0, deviceId: '', ruleId: '' };
const live = { resumeAfterSequence: 0, replayFromStart: false };
/** A watcher that always takes more events. */
const taking = of(true);
const serviceOf = (downstream: Downstream, shutdown = new StreamShutdown()) =>
  new AlertStreamService(downstream, shutdown, new Registry());

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
    const service = serviceOf(endless, shutdown);
    const open = endOf(service.watch(noFilter, live, taking));
    shutdown.endAll();
    await expect(open).resolves.toBe('GATEWAY.SHUTTING_DOWN');
    await expect(endOf(service.watch(noFilter, live, taking))).resolves.toBe('GATEWAY.SHUTTING_DOWN');
  });

  it('ends a watcher with UNAVAILABLE when the alert manager ends its stream, not with a normal end', async () => {
    const ending = { alerts: { watchAlerts: () => EMPTY } } as unknown as Downstream;
    await expect(endOf(serviceOf(ending).watch(noFilter, live, taking))).resolves.toBe(
      'DOWNSTREAM.UNAVAILABLE',
    );
  });

  it('leaves watchers open while the gateway runs', async () => {
    await expect(endOf(serviceOf(endless).watch(noFilter, live, taking))).resolves.toBe('open');
  });
});
