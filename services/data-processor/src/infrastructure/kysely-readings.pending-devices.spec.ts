import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { reading } from '../../test/readings.fixture.js';
import { KyselyProcessorStore } from './kysely-processor.store.js';

const T0 = Date.UTC(2026, 0, 15, 10);
let made = 0;
const seen = (deviceId: string, readingId = `s-${++made}`) => ({ deviceId, readingId });

describe.each(DATABASE_KINDS)(
  'devices with pending evaluations, as a call’s transaction finds them, on %s',
  (kind) => {
    const opened = freshStore(kind, 'processor_pending_devices', (settings) =>
      KyselyProcessorStore.open(settings),
    );
    const found = (readings: { deviceId: string; readingId: string }[]) =>
      opened().inTransaction(async (tx) => {
        await tx.recordNewReadings(readings, T0);
        return [...(await tx.devicesWithPendingEvaluations())].sort();
      });

    beforeAll(async () => {
      const { pendingEvaluations } = opened();
      await pendingEvaluations.add(
        ['queued-1', 'queued-2', 'aside-1'].map((deviceId, i) => reading(`p-${i}`, deviceId, 1, T0)),
        10,
      );
      // A reading set aside as refused for good is no longer pending.
      const [, , aside] = await pendingEvaluations.oldest(3);
      await pendingEvaluations.markFailed(aside.sequence, T0);
    });

    it('finds them among the devices of a call of new readings', async () => {
      await expect(
        found([seen('queued-1'), seen('quiet-1'), seen('queued-1'), seen('aside-1'), seen('queued-2')]),
      ).resolves.toEqual(['queued-1', 'queued-2']);
      await expect(found([seen('quiet-1'), seen('aside-1')])).resolves.toEqual([]);
    });

    it('finds them when some of the call’s readings were known', async () => {
      const known = seen('quiet-2');
      await found([known]);
      await expect(found([known, seen('queued-2'), seen('quiet-2')])).resolves.toEqual(['queued-2']);
      await expect(found([known, seen('queued-1')].reverse())).resolves.toEqual(['queued-1']);
    });

    it('finds them among more devices than one statement takes', async () => {
      const many = Array.from({ length: 1_200 }, (_, i) => seen(`quiet-many-${i}`));
      await expect(found([...many, seen('queued-2')])).resolves.toEqual(['queued-2']);
      await expect(found([...many.slice(0, 1), seen('queued-1'), ...many.slice(1)])).resolves.toEqual([
        'queued-1',
      ]);
    });
  },
);
