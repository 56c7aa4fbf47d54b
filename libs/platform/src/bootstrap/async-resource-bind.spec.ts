import { IMPORT_BUILT_PRELOAD, probeInFreshNode } from './fresh-node-probe.testing.js';

// Functions bound to a resource made inside an AsyncLocalStorage run, then called outside it: what
// they see of the store, of `this` and of their arguments, and what else the bound function carries.
const script = (withPreload: boolean) => `
  ${withPreload ? IMPORT_BUILT_PRELOAD : ''}
  const { AsyncLocalStorage, AsyncResource } = await import('node:async_hooks');
  const storage = new AsyncLocalStorage();
  const resource = storage.run('inside', () => new AsyncResource('Probe'));
  function probe(a, b) {
    return { store: storage.getStore() ?? 'none', self: this?.name ?? 'none', sum: a + b };
  }
  const bound = resource.bind(probe);
  const boundTo = resource.bind(probe, { name: 'given' });
  const staticBound = storage.run('static', () => AsyncResource.bind(probe));
  const snapshot = storage.run('snapshot', () => AsyncLocalStorage.snapshot());
  let notAFunction = '';
  try {
    resource.bind(42);
  } catch (error) {
    notAFunction = error.constructor.name;
  }
  console.error(JSON.stringify({
    plain: bound(1, 2),
    method: bound.call({ name: 'receiver' }, 3, 4),
    boundTo: boundTo(5, 6),
    staticBound: staticBound(7, 8),
    snapshot: snapshot(() => storage.getStore()),
    outside: storage.getStore() ?? 'none',
    length: [bound.length, boundTo.length],
    accessor: 'asyncResource' in bound,
    notAFunction,
  }));
`;

const run = (withPreload: boolean) => probeInFreshNode<Record<string, unknown>>(script(withPreload));

describe('AsyncResource#bind without its accessor (lean-startup preload)', () => {
  it('is needed: without the preload every bound function carries an asyncResource accessor', () => {
    expect(run(false)['accessor']).toBe(true);
  });

  it('binds as Node does (scope, this, arguments, length), without the accessor', () => {
    expect(run(true)).toEqual({
      plain: { store: 'inside', self: 'none', sum: 3 },
      method: { store: 'inside', self: 'receiver', sum: 7 },
      boundTo: { store: 'inside', self: 'given', sum: 11 },
      staticBound: { store: 'static', self: 'none', sum: 15 },
      snapshot: 'snapshot',
      outside: 'none',
      length: [2, 2],
      accessor: false,
      notAFunction: 'TypeError',
    });
  });
});
