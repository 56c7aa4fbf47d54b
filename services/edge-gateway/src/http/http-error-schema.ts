import { z } from 'zod';

/**
 * The error JSON every REST refusal has (`HttpErrorBody` of http-error.ts), as the OpenAPI document
 * states it. Objects are left open: a client should ignore what it does not know.
 */
export const httpErrorBodySchema = z.object({
  error: z.object({
    code: z.int().min(400).max(599).describe('The HTTP status code.'),
    status: z.string().describe('The gRPC status name: INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE...'),
    reason: z.string().describe('A stable code for programs: REQUEST.INVALID, DEVICE.NOT_FOUND...'),
    message: z.string().describe('For people; may change.'),
    details: z
      .array(z.object({ field: z.string(), reason: z.string(), description: z.string() }))
      .optional()
      .describe(
        "The fields refused and why (google.rpc.BadRequest's field violations), each named by its JSON path (readings[0].customSensor).",
      ),
    service: z.string().optional().describe('The internal service that answered, when one did.'),
  }),
});
