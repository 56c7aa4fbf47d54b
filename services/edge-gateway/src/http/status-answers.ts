import type { HealthState } from '@iot-mesh/platform';
import { z } from 'zod';

// The bodies of /health and /status: the gateway's own, not proto messages. The controller's answer is
// typed by these, so the document and what is sent cannot part.

const SERVING_OR_DEGRADED = z.enum(['SERVING', 'DEGRADED']);
const HEALTH_STATES = {
  SERVING: true,
  NOT_SERVING: true,
  SERVICE_UNKNOWN: true,
  UNKNOWN: true,
  UNREACHABLE: true,
} satisfies Record<HealthState, true>;

export const healthAnswerSchema = z.object({ status: z.literal('ok') });

export const statusAnswerSchema = z.object({
  status: SERVING_OR_DEGRADED,
  services: z.array(
    z.object({
      service: z.string(),
      status: z.enum(Object.keys(HEALTH_STATES) as [HealthState, ...HealthState[]]),
      address: z.string().optional().describe("The service's host:port, shown to an operator only"),
    }),
  ),
  rateLimits: z.object({
    backend: z.enum(['memory', 'redis']),
    status: SERVING_OR_DEGRADED,
    detail: z.string().optional(),
    address: z.string().optional().describe("A shared backend's host:port, shown to an operator only"),
  }),
});

export type StatusAnswer = z.output<typeof statusAnswerSchema>;
export type HealthAnswer = z.output<typeof healthAnswerSchema>;
