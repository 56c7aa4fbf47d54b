import { stringify } from 'yaml';
import { secretsPodsNeed } from './required-secrets.js';

const manifest = (...resources: object[]) => resources.map((resource) => stringify(resource)).join('---\n');
const deployment = (name: string, pod: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { template: { spec: pod } },
});

describe('secretsPodsNeed', () => {
  it('finds every kind of reference a pod cannot start without, once each, sorted', () => {
    const pod = {
      containers: [
        {
          envFrom: [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'env' } }],
          env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'database', key: 'url' } } }],
        },
      ],
      initContainers: [{ envFrom: [{ secretRef: { name: 'migrations' } }] }],
      volumes: [
        { secret: { secretName: 'certificates' } },
        { projected: { sources: [{ secret: { name: 'bundle' } }, { configMap: { name: 'ca' } }] } },
      ],
      imagePullSecrets: [{ name: 'registry' }],
    };
    expect(secretsPodsNeed(manifest(deployment('a', pod), deployment('b', pod)))).toEqual([
      'bundle',
      'certificates',
      'database',
      'env',
      'migrations',
      'registry',
    ]);
  });

  it('leaves out optional references and Secrets the release creates itself', () => {
    const pod = {
      containers: [
        {
          envFrom: [{ secretRef: { name: 'maybe', optional: true } }, { secretRef: { name: 'own' } }],
          env: [{ name: 'B', valueFrom: { secretKeyRef: { name: 'also-maybe', key: 'k', optional: true } } }],
        },
      ],
    };
    const own = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'own' } };
    expect(secretsPodsNeed(manifest(deployment('a', pod), own))).toEqual([]);
  });

  it('reads the pods of Jobs, CronJobs and bare Pods, and nothing from resources without pods', () => {
    const pod = { containers: [{ envFrom: [{ secretRef: { name: 'job' } }] }] };
    const cronPod = { containers: [{ envFrom: [{ secretRef: { name: 'cron' } }] }] };
    const resources = [
      { kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: pod } } },
      {
        kind: 'CronJob',
        metadata: { name: 'c' },
        spec: { jobTemplate: { spec: { template: { spec: cronPod } } } },
      },
      {
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ envFrom: [{ secretRef: { name: 'pod' } }] }] },
      },
      { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } },
    ];
    expect(secretsPodsNeed(`${manifest(...resources)}\n---\n`)).toEqual(['cron', 'job', 'pod']);
  });
});
