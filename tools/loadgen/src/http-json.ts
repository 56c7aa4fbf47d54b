import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { GatewayAgent } from './http-agents.js';

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
 * A request that ran out of time. Named as fetch names its timeouts; coded CONNECT_TIMEOUT while the
 * request had not all been written (waiting for a connection, or connecting), which the server cannot
 * have acted on.
 */
function timeoutError(timeoutMs: number, written: boolean): Error {
  const error = new Error(`timeout: no answer within ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  if (!written) Object.assign(error, { code: 'CONNECT_TIMEOUT' });
  return error;
}

function jsonResponse(response: IncomingMessage, text: string): JsonResponse {
  const retryAfter = Number(response.headers['retry-after'] ?? Number.NaN);
  return {
    status: response.statusCode ?? 0,
    body: parse(text),
    ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
  };
}

/**
 * One JSON request with a time limit (for the answer's whole body); network failures and timeouts
 * throw. Node's own HTTP client: the load generator shares the machine with what it measures, and
 * with undici's `request` a fifth of what it allocated outlived the young collections, whose pauses
 * (10-50 ms here) then delayed the answers being timed (README, Benchmarks, round 32). Connections are
 * kept alive through `agent` (Node's global agent by default).
 */
export function requestJson(
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: unknown;
    timeoutMs: number;
    /** The connections to use (http-agents.ts). */
    agent?: GatewayAgent | undefined;
  },
): Promise<JsonResponse> {
  const target = new URL(url);
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  const headers = {
    ...init.headers,
    ...(payload !== undefined
      ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
      : {}),
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const request = send(
      target,
      { method: init.method, headers, ...(init.agent ? { agent: init.agent } : {}) },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => settle(() => resolve(jsonResponse(response, text))));
        // An answer cut short ends in 'close' without 'end' (and, with a listener, an 'error').
        response.on('error', (error) => settle(() => reject(error)));
        response.on('close', () => {
          if (!response.complete) settle(() => reject(new Error('the connection closed mid-answer')));
        });
      },
    );
    request.on('error', (error) => settle(() => reject(error)));
    const timer = setTimeout(() => {
      const error = timeoutError(init.timeoutMs, request.writableFinished);
      settle(() => reject(error));
      request.destroy(error);
    }, init.timeoutMs);
    request.end(payload);
  });
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
  'CONNECT_TIMEOUT',
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
