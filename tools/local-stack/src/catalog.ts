import { readFileSync } from 'node:fs';
import { z } from 'zod';

const serviceSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  grpcPort: z.number().int().min(1).max(65535),
  adminPort: z.number().int().min(1).max(65535),
  httpPort: z.number().int().min(1).max(65535).optional(),
  api: z.string(),
  proto: z.string(),
  calls: z.record(z.string(), z.array(z.string())),
});

export type CatalogService = z.output<typeof serviceSchema>;

/** Reads services/catalog.json: the services in start order, with who calls which methods. */
export function readCatalog(path: string): CatalogService[] {
  const parsed = z.object({ services: z.array(serviceSchema) }).parse(JSON.parse(readFileSync(path, 'utf8')));
  return parsed.services;
}

/** The env var through which a service learns another's address: DEVICE_REGISTRY_ADDRESS. */
export const addressVariable = (serviceName: string) =>
  `${serviceName.toUpperCase().replace(/-/g, '_')}_ADDRESS`;
