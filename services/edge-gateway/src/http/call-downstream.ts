import { firstValueFrom, type Observable } from 'rxjs';
import type { DownstreamName } from '../config.js';
import { fromDownstream } from '../downstream/downstream-error.js';

/**
 * Awaits one downstream call of `method` (its proto name: a write's lost answer is told apart), turning
 * its failure into what the REST caller should see.
 */
export async function callDownstream<T>(
  service: DownstreamName,
  method: string,
  call: Observable<T>,
): Promise<T> {
  try {
    return await firstValueFrom(call);
  } catch (error) {
    throw fromDownstream(service, method, error);
  }
}
