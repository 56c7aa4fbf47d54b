import { z } from 'zod';

// Strict descriptions of the Istio security and telemetry specs we write (see istio-networking-specs.ts).

const labelSelector = z.strictObject({ matchLabels: z.record(z.string(), z.string()) });
const mtls = z.strictObject({ mode: z.enum(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']) });

export const peerAuthenticationSpec = z.strictObject({ selector: labelSelector.optional(), mtls });

const source = z.strictObject({
  principals: z.array(z.string()).optional(),
  namespaces: z.array(z.string()).optional(),
});
const operation = z.strictObject({
  ports: z.array(z.string().regex(/^\d+$/, 'ports are strings of digits')).optional(),
  paths: z.array(z.string()).optional(),
  methods: z.array(z.string()).optional(),
});

export const authorizationPolicySpec = z.strictObject({
  selector: labelSelector.optional(),
  action: z.enum(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']).optional(),
  rules: z
    .array(
      z.strictObject({
        from: z.array(z.strictObject({ source })).optional(),
        to: z.array(z.strictObject({ operation })).optional(),
      }),
    )
    .optional(),
});

const providerRef = z.strictObject({ name: z.string() });
export const telemetrySpec = z.strictObject({
  selector: labelSelector.optional(),
  tracing: z
    .array(
      z.strictObject({
        providers: z.array(providerRef).optional(),
        randomSamplingPercentage: z.number().min(0).max(100).optional(),
        customTags: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
  metrics: z
    .array(
      z.strictObject({
        providers: z.array(providerRef).optional(),
        overrides: z
          .array(
            z.strictObject({
              match: z
                .strictObject({ metric: z.string().optional(), mode: z.string().optional() })
                .optional(),
              tagOverrides: z
                .record(
                  z.string(),
                  z.strictObject({ operation: z.string().optional(), value: z.string().optional() }),
                )
                .optional(),
              disabled: z.boolean().optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  accessLogging: z
    .array(
      z.strictObject({
        providers: z.array(providerRef).optional(),
        filter: z.strictObject({ expression: z.string() }).optional(),
      }),
    )
    .optional(),
});
