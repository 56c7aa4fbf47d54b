import { z } from 'zod';

// The addon charts' own value schemas are not installed here, so these check what ties the addons to
// the mesh: the Prometheus ServiceAccount the charts' policies name, and the in-cluster URLs.

const prometheusUrl = z.literal('http://prometheus.istio-system.svc.cluster.local:9090');
const jaegerQueryUrl = z.literal('http://jaeger-query.istio-system.svc.cluster.local:16686');

export const addonValueSchemas: Record<string, z.ZodType> = {
  'prometheus-values.yaml': z.looseObject({
    server: z.looseObject({ fullnameOverride: z.literal('prometheus') }),
    serviceAccounts: z.looseObject({ server: z.looseObject({ name: z.literal('prometheus') }) }),
  }),
  'grafana-values.yaml': z.looseObject({
    admin: z.looseObject({ existingSecret: z.string().min(1) }),
    datasources: z.looseObject({
      'datasources.yaml': z.looseObject({
        datasources: z.tuple([
          z.looseObject({ type: z.literal('prometheus'), url: prometheusUrl }),
          z.looseObject({ type: z.literal('jaeger'), url: jaegerQueryUrl }),
        ]),
      }),
    }),
  }),
  'kiali-values.yaml': z.looseObject({
    external_services: z.looseObject({
      prometheus: z.strictObject({ url: prometheusUrl }),
      tracing: z.looseObject({ provider: z.literal('jaeger'), internal_url: jaegerQueryUrl }),
    }),
  }),
  'jaeger-values.yaml': z.looseObject({
    storage: z.strictObject({ type: z.literal('memory') }),
    allInOne: z.looseObject({
      enabled: z.literal(true),
      extraEnv: z
        .array(z.strictObject({ name: z.string(), value: z.string() }))
        .refine(
          (env) => env.some((v) => v.name === 'COLLECTOR_OTLP_ENABLED' && v.value === 'true'),
          'OTLP must be on: the proxies send traces over OTLP',
        ),
    }),
  }),
};
