import type { OpenAPIV3 } from 'openapi-types';
import { z } from 'zod';

/**
 * A zod schema in OpenAPI 3.0's dialect: by default as a client sends it (before coercions and
 * transforms), with `io: 'output'` as the gateway answers it.
 */
export const jsonSchemaOf = (schema: z.ZodType, io: 'input' | 'output' = 'input'): OpenAPIV3.SchemaObject =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io }) as OpenAPIV3.SchemaObject;
