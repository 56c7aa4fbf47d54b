// Values with which a service would refuse to start (exit 78, a crash-looping pod) must stop the render
// instead, naming the value: the edge gateway's operator credentials, notification's delivery timeout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/catalog/generate-catalog-template.js';
import { dependencyBuild, renderObjects, template, type RenderOptions } from '../src/helm/helm.js';
import { asArray, field, ofKind, type K8sObject } from '../src/manifest.js';
import { environments, environmentValuesFile } from '../src/matrix.js';

beforeAll(async () => {
  for (const chart of ['edge-gateway', 'notification']) {
    const build = await dependencyBuild(chart);
    if (!build.ok) throw new Error(build.stderr);
  }
}, 60_000);

async function renderError(chart: string, options: RenderOptions): Promise<string> {
  const result = await template(chart, options);
  expect(result.ok).toBe(false);
  return result.stderr;
}

/** Deployment name -> the Secrets its container takes its environment from. */
const secretsRead = (objects: K8sObject[]): [string, unknown[]][] =>
  ofKind(objects, 'Deployment').map((deployment) => [
    deployment.metadata.name,
    asArray(field(deployment, 'spec', 'template', 'spec', 'containers', 0, 'envFrom'))
      .map((source) => field(source, 'secretRef', 'name'))
      .filter((name) => name !== undefined),
  ]);

describe("the edge gateway's operator credentials (OPERATOR_TOKEN, OPERATOR_JWT_SECRET)", () => {
  const canaryOn = {
    'canary.enabled': true,
    'canary.image.tag': 'v2',
    'traffic.stable': 90,
    'traffic.canary': 10,
  };

  it('come from the Secret edge-gateway-env with the chart defaults, on both tracks', async () => {
    expect(secretsRead(await renderObjects('edge-gateway'))).toEqual([
      ['edge-gateway-stable', ['edge-gateway-env']],
    ]);
    expect(secretsRead(await renderObjects('edge-gateway', { set: canaryOn })).sort()).toEqual([
      ['edge-gateway-canary', ['edge-gateway-env']],
      ['edge-gateway-stable', ['edge-gateway-env']],
    ]);
  });

  it.each(environments)('come from a Secret in the environment %s', async (environment) => {
    const objects = await renderObjects('edge-gateway', {
      flags: ['--values', environmentValuesFile(environment, 'edge-gateway')],
    });
    expect(secretsRead(objects)).toEqual([['edge-gateway-stable', [expect.stringMatching(/.+/)]]]);
  });

  it('are refused without a Secret: the gateway would not start', async () => {
    const message = await renderError('edge-gateway', { flags: ['--set-string', 'existingSecret='] });
    expect(message).toContain(
      'edge-gateway needs existingSecret, the Secret holding OPERATOR_TOKEN or OPERATOR_JWT_SECRET',
    );
  });
});

describe("notification's delivery timeout within its shutdown drain", () => {
  /** The service's own default, read from its config schema, so the chart cannot drift from it. */
  const serviceDefault = Number(
    /DELIVERY_TIMEOUT_MS: millis\(([\d_]+)\)/
      .exec(readFileSync(join(repoRoot, 'services/notification/src/config.ts'), 'utf8'))?.[1]
      ?.replaceAll('_', ''),
  );
  const refusal = 'must be below SHUTDOWN_TIMEOUT_MS';

  it('reads the default delivery timeout of services/notification/src/config.ts', () => {
    expect(serviceDefault).toBeGreaterThan(0);
  });

  it('refuses shutdown.timeoutMs at the default delivery timeout, and takes one millisecond more', async () => {
    const message = await renderError('notification', { set: { 'shutdown.timeoutMs': serviceDefault } });
    expect(message).toContain(
      `DELIVERY_TIMEOUT_MS (${serviceDefault}, the service's default) must be below SHUTDOWN_TIMEOUT_MS ` +
        `(${serviceDefault}, shutdown.timeoutMs), or notification refuses to start`,
    );
    await renderObjects('notification', { set: { 'shutdown.timeoutMs': serviceDefault + 1 } });
  });

  it('compares env.DELIVERY_TIMEOUT_MS, a string or a number', async () => {
    const asString = await renderError('notification', {
      flags: ['--set-string', 'env.DELIVERY_TIMEOUT_MS=10000'],
    });
    expect(asString).toContain(`DELIVERY_TIMEOUT_MS (10000, env.DELIVERY_TIMEOUT_MS) ${refusal} (10000`);
    const asNumber = await renderError('notification', {
      set: { 'env.DELIVERY_TIMEOUT_MS': 20000, 'shutdown.timeoutMs': 15000 },
    });
    expect(asNumber).toContain(`(20000, env.DELIVERY_TIMEOUT_MS) ${refusal} (15000, shutdown.timeoutMs)`);
    await renderObjects('notification', { flags: ['--set-string', 'env.DELIVERY_TIMEOUT_MS=9999'] });
  });

  it('compares env.SHUTDOWN_TIMEOUT_MS, which the ConfigMap takes over shutdown.timeoutMs', async () => {
    const message = await renderError('notification', { set: { 'env.SHUTDOWN_TIMEOUT_MS': 4000 } });
    expect(message).toContain(`${refusal} (4000, env.SHUTDOWN_TIMEOUT_MS)`);
    expect(message).toContain(
      "Raise env.SHUTDOWN_TIMEOUT_MS (the grace period and the proxy's drain follow it) or lower env.DELIVERY_TIMEOUT_MS",
    );
    const objects = await renderObjects('notification', {
      set: { 'env.SHUTDOWN_TIMEOUT_MS': 6000, 'shutdown.timeoutMs': 100 },
    });
    expect(field(ofKind(objects, 'ConfigMap')[0], 'data', 'SHUTDOWN_TIMEOUT_MS')).toBe('6000');
  });

  it('following its advice (raise env.SHUTDOWN_TIMEOUT_MS) gives the pod and proxy that long to drain', async () => {
    const objects = await renderObjects('notification', {
      flags: [
        '--set-string',
        'env.DELIVERY_TIMEOUT_MS=15000',
        '--set-string',
        'env.SHUTDOWN_TIMEOUT_MS=20000',
      ],
    });
    const pod = field(ofKind(objects, 'Deployment')[0], 'spec', 'template');
    // preStop 5 s + the app's 20 s drain + 5 s slack.
    expect(field(pod, 'spec', 'terminationGracePeriodSeconds')).toBe(30);
    expect(field(pod, 'metadata', 'annotations', 'proxy.istio.io/config')).toContain(
      '"terminationDrainDuration": "30s"',
    );
  });

  it('refuses a SHUTDOWN_TIMEOUT_MS the grace period cannot be computed from', async () => {
    const message = await renderError('notification', {
      flags: ['--set-string', 'env.SHUTDOWN_TIMEOUT_MS=10s'],
    });
    expect(message).toContain('env.SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds (got 10s)');
  });

  it.each(environments)('lets the environment %s start the notification service', async (environment) => {
    const objects = await renderObjects('notification', {
      flags: ['--values', environmentValuesFile(environment, 'notification')],
    });
    expect(ofKind(objects, 'Deployment').map((deployment) => deployment.metadata.name)).toEqual([
      'notification-stable',
    ]);
  });
});
