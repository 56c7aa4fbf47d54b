import { DATABASE_KINDS } from '@iot-mesh/storage/testing';
import type { AlertManagerConfig } from '../config.js';
import { contractStore, rule } from '../infrastructure/testing/store-contract.fixtures.js';
import { Severity, type RuleFields } from './domain/rule.js';
import { EnabledRulesCache } from './enabled-rules.cache.js';
import { RulesService } from './rules.service.js';

const config = { alertChannels: { channels: ['log'], emailTo: '' } } as unknown as AlertManagerConfig;

// PostgreSQL runs the updates on connections of their own, so only a held rule row keeps them apart.
describe.each(DATABASE_KINDS)('rules service on %s: concurrent updates', (kind) => {
  const opened = contractStore(kind, 'rules_concurrency');
  const service = () =>
    new RulesService(
      opened(),
      config,
      () => 5_000,
      new EnabledRulesCache(
        () => Promise.resolve([]),
        0,
        () => 0,
      ),
    );

  it('keeps every change of concurrent updates of different fields', async () => {
    const { id: _id, createTime: _c, updateTime: _u, ...original } = rule('x', { forDurationMs: 0 });
    const rules = service();
    for (let round = 0; round < 3; round++) {
      const { id } = await rules.create(original);
      const changes: RuleFields = {
        ...original,
        name: 'renamed',
        threshold: -20,
        severity: Severity.SEVERITY_CRITICAL,
        hysteresis: 3,
      };
      await Promise.all(
        ['name', 'threshold', 'severity', 'hysteresis'].map((path) => rules.update(id, changes, [path])),
      );
      await expect(rules.get(id)).resolves.toMatchObject({
        name: 'renamed',
        threshold: -20,
        severity: Severity.SEVERITY_CRITICAL,
        hysteresis: 3,
      });
    }
  });
});
