import { budgetPerTrack } from './disruption-budgets.js';
import { deployment, object } from './fixtures.testing.js';

const budget = (name: string, matchLabels: Record<string, string>) =>
  object('PodDisruptionBudget', name, { minAvailable: 1, selector: { matchLabels } });

describe('budgetPerTrack', () => {
  it('accepts one budget per track', () => {
    expect(
      budgetPerTrack([
        deployment('stable'),
        deployment('canary'),
        budget('shop-stable', { app: 'shop', track: 'stable' }),
        budget('shop-canary', { app: 'shop', track: 'canary' }),
      ]),
    ).toEqual([]);
  });

  it('reports a budget over both tracks', () => {
    expect(
      budgetPerTrack([deployment('stable'), deployment('canary'), budget('shop', { app: 'shop' })]),
    ).toEqual([
      'PodDisruptionBudget shop/shop selects the pods of Deployment shop/shop-stable and Deployment shop/shop-canary, expected exactly one',
    ]);
  });

  it('reports a budget without pods and a Deployment without a budget', () => {
    expect(
      budgetPerTrack([deployment('stable'), budget('shop-canary', { app: 'shop', track: 'canary' })]),
    ).toEqual([
      'PodDisruptionBudget shop/shop-canary selects the pods of no Deployment, expected exactly one',
      'Deployment shop/shop-stable is covered by 0 PodDisruptionBudgets, expected 1',
    ]);
  });
});
