import type { ServiceError } from '@grpc/grpc-js';
import { firstValueFrom, type Observable } from 'rxjs';

/** The error a call ends with; fails the test when the call succeeds. */
export async function failure<T>(call: Observable<T>): Promise<ServiceError> {
  try {
    await firstValueFrom(call);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}
