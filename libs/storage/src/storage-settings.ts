import { join } from 'node:path';
import { z } from 'zod';

/** Where a service keeps its state. */
export type StorageSettings =
  | { kind: 'sqlite'; file: string }
  /** `schema`: the service's own PostgreSQL schema, so services can share one database safely. */
  | { kind: 'postgres'; url: string; schema?: string };

/** The storage variables, to spread into a service's config schema. */
export const storageEnv = {
  STORAGE: z.enum(['sqlite', 'postgres']).default('sqlite'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
};

type StorageEnv = z.output<z.ZodObject<typeof storageEnv>>;

/** STORAGE=postgres needs DATABASE_URL. */
export function checkStorage(env: StorageEnv, ctx: z.RefinementCtx): void {
  if (env.STORAGE === 'postgres' && !env.DATABASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required when STORAGE=postgres' });
  }
}

export function toStorageSettings(env: StorageEnv, serviceName: string): StorageSettings {
  return env.STORAGE === 'postgres'
    ? { kind: 'postgres', url: env.DATABASE_URL!, schema: serviceName.replace(/[^a-z0-9]/g, '_') }
    : { kind: 'sqlite', file: join(env.DATA_DIR, `${serviceName}.sqlite`) };
}
