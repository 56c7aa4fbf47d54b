import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { methodPathParts } from '../grpc/method-path.js';

/**
 * Gives every outgoing call a deadline unless the caller set one. Methods listed in
 * `perMethodMs` get their own (a long-lived watch stream gets Infinity).
 */
export function deadlineInterceptor(
  defaultMs: number,
  perMethodMs: Readonly<Record<string, number>> = {},
): Interceptor {
  return (options, nextCall) => {
    if (options.deadline === undefined) {
      const { method } = methodPathParts(options.method_definition.path);
      const ms = perMethodMs[method] ?? defaultMs;
      if (Number.isFinite(ms)) options = { ...options, deadline: Date.now() + ms };
    }
    return new InterceptingCall(nextCall(options));
  };
}
