import { request, type Dispatcher } from 'undici';

export interface JsonResponse {
  status: number;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  retryAfterSeconds?: number;
}

/** The gateway's REST error body: `{ error: { status, reason, message, details } }`. */
export interface GatewayError {
  status: string;
  reason: string;
  message: string;
  details: { field?: string; reason?: string; description?: string }[];
}

/**
 * One JSON request with a time limit; network failures and timeouts throw. undici's `request` rather
 * than `fetch`: the load generator shares the machine with what it measures, and fetch's WHATWG
 * streams cost it about twice the CPU per call. Connections are kept alive and reused per origin.
 */
export async function requestJson(
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: unknown;
    timeoutMs: number;
    /** The connections to use (a run's TLS settings); undici's global ones by default. */
    dispatcher?: Dispatcher | undefined;
  },
): Promise<JsonResponse> {
  const headers = {
    ...init.headers,
    ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
  };
  const response = await request(url, {
    method: init.method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs),
    ...(init.dispatcher ? { dispatcher: init.dispatcher } : {}),
  });
  const text = await response.body.text();
  const retryAfter = Number(response.headers['retry-after'] ?? Number.NaN);
  return {
    status: response.statusCode,
    body: parse(text),
    ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
  };
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The error in a gateway response body, if it has the gateway's shape. */
export function gatewayErrorOf(body: unknown): GatewayError | undefined {
  const error = (body as { error?: Partial<GatewayError> } | undefined)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  return {
    status: String(error.status ?? ''),
    reason: String(error.reason ?? ''),
    message: String(error.message ?? ''),
    details: Array.isArray(error.details) ? error.details : [],
  };
}

/** "AUTH.INVALID_KEY: invalid API key", or the start of whatever else came back. */
export function describeBody(body: unknown): string {
  const error = gatewayErrorOf(body);
  if (error) return `${error.reason}: ${error.message}`;
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** A request failure as an error code: the time limit, or the network. */
export function fetchFailureCode(error: unknown): 'TIMEOUT' | 'NETWORK_ERROR' {
  // By name, not instanceof: the DOMException may come from another realm (Jest's vm contexts).
  return (error as { name?: unknown } | undefined)?.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK_ERROR';
}

// Failures while connecting (or resolving the name): the request was never written, so the server
// cannot have acted on it. A timeout or a dropped connection may come after the server did.
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether a request failure certainly happened before the request reached the server. */
export function requestNeverSent(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && NEVER_SENT.has(code);
}

/** The root cause of a request failure (a bare "fetch failed" would say nothing). */
export function fetchFailureMessage(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { message?: unknown } };
  if (typeof message !== 'string') return String(error);
  return typeof cause?.message === 'string' ? `${message}: ${cause.message}` : message;
}
