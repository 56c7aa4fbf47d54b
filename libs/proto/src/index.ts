import { fileURLToPath } from 'node:url';

/** Root of the .proto sources (the repository's proto/ folder), for server reflection. */
export const PROTO_ROOT = fileURLToPath(new URL('../../../proto', import.meta.url));
