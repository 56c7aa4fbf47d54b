import { z } from 'zod';

// Strict descriptions of the Istio networking specs we write. The upstream validators check types but
// accept unknown fields, and Istio silently ignores a misspelt field; strictObject rejects it here.
// Only the parts of the Istio API this project uses are listed; adding a field here is a conscious step.

const durationUnitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
/** Milliseconds of a duration like 5s or 1.5m; NaN for anything else. */
function durationMs(value: string): number {
  const parts = durationPattern.exec(value);
  return parts ? Number(parts[1]) * durationUnitMs[parts[2] as keyof typeof durationUnitMs] : Number.NaN;
}
// Every Duration field of the Istio CRDs carries the CEL rule `duration(self) >= duration('1ms')`, so the
// API server refuses `0s` (leave a timeout out to disable it) although the OpenAPI schema takes any string.
const duration = z
  .string()
  .refine(
    (value) => durationMs(value) >= 1,
    'must be a duration of at least 1ms like 5s (the Istio CRDs refuse less)',
  );
const stringMatch = z.union([
  z.strictObject({ exact: z.string() }),
  z.strictObject({ prefix: z.string() }),
  z.strictObject({ regex: z.string() }),
]);
const destination = z.strictObject({
  host: z.string(),
  subset: z.string().optional(),
  port: z.strictObject({ number: z.number().int() }).optional(),
});

const httpRoute = z.strictObject({
  name: z.string().optional(),
  match: z
    .array(
      z.strictObject({
        name: z.string().optional(),
        uri: stringMatch.optional(),
        headers: z.record(z.string(), stringMatch).optional(),
        port: z.number().int().optional(),
        gateways: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  route: z.array(z.strictObject({ destination, weight: z.number().int().min(0).max(100).optional() })).min(1),
  timeout: duration.optional(),
  retries: z
    .strictObject({
      attempts: z.number().int(),
      perTryTimeout: duration.optional(),
      retryOn: z.string().optional(),
    })
    .optional(),
});

export const virtualServiceSpec = z.strictObject({
  hosts: z.array(z.string()).min(1),
  gateways: z.array(z.string()).optional(),
  http: z.array(httpRoute).min(1),
  exportTo: z.array(z.string()).optional(),
});

// The fields a port-level policy takes too (Istio's TrafficPolicy.PortTrafficPolicy); it inherits none of them.
const portTrafficPolicyFields = {
  tls: z.strictObject({ mode: z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']) }).optional(),
  loadBalancer: z
    .union([
      z.strictObject({ simple: z.enum(['LEAST_REQUEST', 'ROUND_ROBIN', 'RANDOM', 'PASSTHROUGH']) }),
      z.strictObject({
        consistentHash: z.union([
          z.strictObject({ httpHeaderName: z.string() }),
          z.strictObject({ useSourceIp: z.boolean() }),
        ]),
      }),
    ])
    .optional(),
  connectionPool: z
    .strictObject({
      tcp: z
        .strictObject({ maxConnections: z.number().int().optional(), connectTimeout: duration.optional() })
        .optional(),
      http: z
        .strictObject({
          http2MaxRequests: z.number().int().optional(),
          maxRequestsPerConnection: z.number().int().optional(),
          http1MaxPendingRequests: z.number().int().optional(),
        })
        .optional(),
    })
    .optional(),
  outlierDetection: z
    .strictObject({
      consecutive5xxErrors: z.number().int().optional(),
      consecutiveGatewayErrors: z.number().int().optional(),
      interval: duration.optional(),
      baseEjectionTime: duration.optional(),
      maxEjectionPercent: z.number().int().optional(),
    })
    .optional(),
};

const trafficPolicy = z.strictObject({
  ...portTrafficPolicyFields,
  portLevelSettings: z
    .array(
      z.strictObject({
        port: z.strictObject({ number: z.number().int().min(1).max(65535) }),
        ...portTrafficPolicyFields,
      }),
    )
    .optional(),
});

export const destinationRuleSpec = z.strictObject({
  host: z.string(),
  trafficPolicy: trafficPolicy.optional(),
  subsets: z
    .array(
      z.strictObject({
        name: z.string(),
        labels: z.record(z.string(), z.string()),
        trafficPolicy: trafficPolicy.optional(),
      }),
    )
    .optional(),
  exportTo: z.array(z.string()).optional(),
});

export const sidecarSpec = z.strictObject({
  workloadSelector: z.strictObject({ labels: z.record(z.string(), z.string()) }).optional(),
  egress: z.array(z.strictObject({ hosts: z.array(z.string()).min(1), port: z.unknown().optional() })),
  outboundTrafficPolicy: z.strictObject({ mode: z.enum(['REGISTRY_ONLY', 'ALLOW_ANY']) }).optional(),
});

const serverPort = z.strictObject({
  number: z.number().int(),
  name: z.string(),
  protocol: z.enum(['HTTP', 'HTTPS', 'GRPC', 'HTTP2', 'TLS', 'TCP']),
});
export const gatewaySpec = z.strictObject({
  selector: z.record(z.string(), z.string()),
  servers: z.array(
    z.strictObject({
      port: serverPort,
      hosts: z.array(z.string()).min(1),
      name: z.string().optional(),
      tls: z
        .strictObject({
          httpsRedirect: z.boolean().optional(),
          mode: z.enum(['SIMPLE', 'MUTUAL', 'PASSTHROUGH', 'ISTIO_MUTUAL']).optional(),
          credentialName: z.string().optional(),
          minProtocolVersion: z.enum(['TLSV1_2', 'TLSV1_3']).optional(),
        })
        .optional(),
    }),
  ),
});
