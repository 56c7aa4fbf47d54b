import { z } from 'zod';

/** The schemes of the store URLs the services and the local stack take (DATABASE_URL, REDIS_URL). */
export const POSTGRES_URL_SCHEMES = ['postgres:', 'postgresql:'] as const;
export const REDIS_URL_SCHEMES = ['redis:', 'rediss:'] as const;

/**
 * Why `value` is not a URL with one of `schemes`, or undefined when it is. Parsed as a client would (a
 * port that is not a number is caught here, not in the client's stack trace); the reason never repeats
 * the value, which may hold a password.
 */
export function urlProblem(value: string, schemes: readonly string[]): string | undefined {
  const wanted = `must be a ${schemes[0]}// URL`;
  if (!URL.canParse(value))
    return `${wanted}, and this one cannot be parsed (check the host, port and %-escapes)`;
  if (!schemes.includes(new URL(value).protocol)) return wanted;
  return undefined;
}

/** An environment variable holding a URL with one of `schemes` (see urlProblem). */
export const serviceUrl = (schemes: readonly string[]) =>
  z.string().superRefine((value, ctx) => {
    const problem = urlProblem(value, schemes);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
