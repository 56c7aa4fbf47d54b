import {
  type DomainError,
  NotFoundError,
  RelayedGrpcError,
  toGrpcError,
  ValidationError,
} from '@iot-mesh/platform';
import type { z } from 'zod';
import { httpErrorBodySchema } from './http-error-schema.js';
import { toHttpError } from './http-error.js';

const invalidName = new ValidationError([{ field: 'name', reason: 'FIELD.REQUIRED', description: 'empty' }]);
const relayed = (error: DomainError) => {
  const grpc = toGrpcError(error);
  return new RelayedGrpcError(grpc.code, grpc.details, grpc.metadata, 'device-registry');
};

describe('the documented error JSON', () => {
  it.each([
    ['a field violation', invalidName],
    ['a domain error', new NotFoundError('DEVICE.NOT_FOUND', 'no such device')],
    ["a downstream's field violations", relayed(invalidName)],
    ['a framework refusal', { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }],
    ['anything else', new Error('boom')],
  ])('is what %s answers', (_, error) => {
    // Typed as documented: a field renamed in HttpErrorBody fails the typecheck too.
    const body: z.input<typeof httpErrorBodySchema> = toHttpError(error).body;
    expect(httpErrorBodySchema.safeParse(body).error?.issues).toBeUndefined();
  });

  it('refuses a body of another shape', () => {
    expect(toHttpError(relayed(invalidName)).body.error.details).toHaveLength(1);
    expect(httpErrorBodySchema.safeParse({ error: { code: 400, reason: 'X', message: 'm' } }).success).toBe(
      false,
    );
  });
});
