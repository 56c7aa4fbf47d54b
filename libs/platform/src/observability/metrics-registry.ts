import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry with Node's default process metrics, labelled with the service name. */
export function createMetricsRegistry(serviceName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: registry });
  return registry;
}
