import type { K8sObject } from '../manifest.js';

// Small, valid objects for the rule specs; each spec breaks one thing and expects the rule to say so.

export function object(
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  namespace = 'shop',
): K8sObject {
  return { apiVersion: 'x/v1', kind, metadata: { name, namespace }, spec };
}

const host = 'shop.shop.svc.cluster.local';

export function virtualService(stable: number, canary: number, subset = 'canary'): K8sObject {
  return object('VirtualService', 'shop', {
    hosts: [host],
    http: [
      {
        name: 'default',
        route: [
          { destination: { host, subset: 'stable' }, weight: stable },
          { destination: { host, subset }, weight: canary },
        ],
      },
    ],
  });
}

export const destinationRule = object('DestinationRule', 'shop', {
  host,
  subsets: [
    { name: 'stable', labels: { track: 'stable' } },
    { name: 'canary', labels: { track: 'canary' } },
  ],
});

export function deployment(
  track: string,
  patch: (container: Record<string, unknown>) => void = () => {},
): K8sObject {
  const container: Record<string, unknown> = {
    name: 'shop',
    ports: [{ name: 'grpc-api', containerPort: 50051 }],
    readinessProbe: { grpc: { port: 50051 } },
    livenessProbe: { grpc: { port: 50051 } },
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
    securityContext: {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  patch(container);
  return object('Deployment', `shop-${track}`, {
    template: {
      metadata: { labels: { app: 'shop', version: 'v1', track } },
      spec: { containers: [container] },
    },
  });
}

export function authorizationPolicy(principal: string, path: string): K8sObject {
  return object('AuthorizationPolicy', 'shop', {
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: [principal] } }], to: [{ operation: { paths: [path] } }] }],
  });
}

export const serviceAccount = (namespace: string): K8sObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: namespace, namespace },
});
