import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so the suite runs from any working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A service's compiled entry point; the suite runs the built services, as the stack does. */
export const serviceEntry = (name: string): string => resolve(REPO_ROOT, 'services', name, 'dist/main.js');
