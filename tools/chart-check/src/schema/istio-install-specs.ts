import { z } from 'zod';

// Strict outline of the IstioOperator fields istio/ uses (meshConfig is where a typo silently does nothing).
// `components` and `values` are passed through: the upstream validator checks their types.

export const istioOperatorSpec = z.strictObject({
  profile: z.enum(['default', 'demo', 'minimal', 'remote', 'empty', 'preview', 'ambient']).optional(),
  hub: z.string().optional(),
  tag: z.string().optional(),
  meshConfig: z
    .strictObject({
      accessLogFile: z.string().optional(),
      accessLogEncoding: z.enum(['TEXT', 'JSON']).optional(),
      accessLogFormat: z.string().optional(),
      enableTracing: z.boolean().optional(),
      enablePrometheusMerge: z.boolean().optional(),
      outboundTrafficPolicy: z.strictObject({ mode: z.enum(['REGISTRY_ONLY', 'ALLOW_ANY']) }).optional(),
      defaultProviders: z.record(z.string(), z.array(z.string())).optional(),
      extensionProviders: z.array(z.record(z.string(), z.unknown())).optional(),
      defaultConfig: z
        .strictObject({
          holdApplicationUntilProxyStarts: z.boolean().optional(),
          terminationDrainDuration: z.string().optional(),
          tracing: z.record(z.string(), z.unknown()).optional(),
          proxyMetadata: z.record(z.string(), z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
  components: z.record(z.string(), z.unknown()).optional(),
  values: z.record(z.string(), z.unknown()).optional(),
});

/** Prometheus Operator ServiceMonitor (no upstream model is installed, so this is the whole check). */
export const serviceMonitorSpec = z.strictObject({
  selector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }),
  namespaceSelector: z.strictObject({ matchNames: z.array(z.string()) }).optional(),
  endpoints: z
    .array(
      z.strictObject({
        port: z.string(),
        path: z.string().optional(),
        interval: z.string().optional(),
        scheme: z.enum(['http', 'https']).optional(),
        tlsConfig: z.record(z.string(), z.unknown()).optional(),
        relabelings: z
          .array(
            z.strictObject({
              sourceLabels: z.array(z.string()).optional(),
              targetLabel: z.string().optional(),
            }),
          )
          .optional(),
      }),
    )
    .min(1),
});
