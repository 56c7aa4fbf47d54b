// Bad values must stop the render with a message that names the value; the schema answers first,
// the library's own checks answer what JSON Schema cannot (sums, cross-field rules) and back it up.
import { dependencyBuild, helm, releaseArgs, template, type RenderOptions } from '../src/helm/helm.js';

const chart = 'device-registry';

beforeAll(async () => {
  const build = await dependencyBuild(chart);
  if (!build.ok) throw new Error(build.stderr);
}, 60_000);

async function renderError(options: RenderOptions): Promise<string> {
  const result = await template(chart, options);
  expect(result.ok).toBe(false);
  return result.stderr;
}

const withoutSchema: RenderOptions['flags'] = ['--skip-schema-validation'];

describe('the values schema', () => {
  it('rejects a weight of 120', async () => {
    const message = await renderError({ set: { 'traffic.stable': 120 } });
    expect(message).toContain("at '/traffic/stable': maximum: got 120, want 100");
  });

  it('rejects negative replicas', async () => {
    const message = await renderError({ set: { 'stable.replicas': -1 } });
    expect(message).toContain("at '/stable/replicas': minimum: got -1, want 0");
  });

  it('rejects a negative weight', async () => {
    const message = await renderError({ set: { 'traffic.canary': -5 } });
    expect(message).toContain("at '/traffic/canary': minimum: got -5, want 0");
  });

  it('rejects unknown keys (a misspelt value would otherwise be ignored)', async () => {
    const message = await renderError({ set: { 'canary.enable': true } });
    expect(message).toContain("additional properties 'enable' not allowed");
  });
});

describe('the library checks', () => {
  it('rejects canary on without an image tag', async () => {
    const message = await renderError({ set: { 'canary.enabled': true } });
    expect(message).toContain('canary.enabled=true needs canary.image.tag');
  });

  it('rejects weights that do not add up to 100', async () => {
    const message = await renderError({ set: { 'traffic.stable': 60, 'traffic.canary': 50 } });
    expect(message).toContain('traffic.stable + traffic.canary must be 100 (got 60 + 50)');
  });

  it('rejects a weight of 120 even without the schema', async () => {
    const message = await renderError({ set: { 'traffic.stable': 120 }, flags: withoutSchema });
    expect(message).toContain('traffic.stable must be between 0 and 100 (got 120)');
  });

  it('rejects negative replicas even without the schema', async () => {
    const message = await renderError({ set: { 'canary.replicas': -2 }, flags: withoutSchema });
    expect(message).toContain('canary.replicas must be >= 0 (got -2)');
  });

  it('rejects postgres storage without a Secret for DATABASE_URL', async () => {
    const message = await renderError({ set: { 'storage.kind': 'postgres' } });
    expect(message).toContain('storage.kind=postgres needs existingSecret');
  });

  it('rejects a release outside the service namespace', async () => {
    const [release, path] = releaseArgs(chart);
    const result = await helm(['template', release, path, '--namespace', 'default']);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('device-registry must be installed into namespace "device-registry"');
  });
});
