import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentNames, environmentValuesFile } from './environment.js';
import { UsageError } from './validation.js';

describe('environment values files', () => {
  const root = `${mkdtempSync(join(tmpdir(), 'meshctl-environments-'))}/`;
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  beforeAll(() => {
    write('deploy/environments/prod/shop.yaml', 'storage:\n  kind: postgres\ncanary:\n  replicas: 2\n');
    write('deploy/environments/prod/cart.yaml', 'traffic:\n  canary: 50\ncanary:\n  enabled: true\n');
    write('deploy/environments/empty/shop.yaml', '# nothing to change\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds deploy/environments/<name>/<service>.yaml, relative to the repo root where helm runs', () => {
    expect(environmentNames(root)).toEqual(['empty', 'prod']);
    expect(environmentValuesFile('prod', 'shop', root)).toBe('deploy/environments/prod/shop.yaml');
    expect(environmentValuesFile('empty', 'shop', root)).toBe('deploy/environments/empty/shop.yaml');
  });

  it('refuses an unknown environment and a service it has no file for', () => {
    expect(() => environmentValuesFile('staging', 'shop', root)).toThrow(
      '--environment "staging" is not one of deploy/environments/: empty, prod',
    );
    expect(() => environmentValuesFile('empty', 'cart', root)).toThrow(
      '--environment empty has no values for cart: add deploy/environments/empty/cart.yaml',
    );
  });

  it('refuses a file that sets what meshctl sets itself: a deploy would undo a canary step', () => {
    expect(() => environmentValuesFile('prod', 'cart', root)).toThrow(UsageError);
    expect(() => environmentValuesFile('prod', 'cart', root)).toThrow(
      'deploy/environments/prod/cart.yaml sets canary.enabled, traffic.canary: meshctl sets those itself',
    );
  });

  it('ships eks with a file for every catalog service, none setting those values', () => {
    for (const service of [
      'notification',
      'device-registry',
      'alert-manager',
      'data-processor',
      'sensor-ingestion',
      'edge-gateway',
    ]) {
      expect(environmentValuesFile('eks', service)).toBe(`deploy/environments/eks/${service}.yaml`);
    }
  });
});
