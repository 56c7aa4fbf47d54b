import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayAgent } from './http-agents.js';
import {
  describeBody,
  fetchFailureCode,
  fetchFailureMessage,
  gatewayErrorOf,
  requestJson,
  requestNeverSent,
  type JsonResponse,
} from './http-json.js';

export interface IssuedKey {
  keyId: string;
  apiKey: string;
}

export interface KeySummary {
  keyId: string;
  state: string;
  description: string;
  createTime: string;
}

/** The operator calls the load generator needs, over the gateway's REST API. */
export interface OperatorApi {
  /** 'exists' when the id is taken already (ALREADY_EXISTS): a re-run reuses its fleet. */
  createDevice(deviceId: string): Promise<'created' | 'exists'>;
  issueKey(deviceId: string, description: string): Promise<IssuedKey>;
  listKeys(deviceId: string): Promise<KeySummary[]>;
  revokeKey(deviceId: string, keyId: string): Promise<void>;
}

/** A refused or unanswered operator call, with the gateway's stable reason code. */
export class OperatorCallError extends Error {
  override readonly name = 'OperatorCallError';
  constructor(
    /** The HTTP status; 0 when no answer came (reason TIMEOUT or NETWORK_ERROR). */
    readonly status: number,
    readonly reason: string,
    message: string,
    /** Whether the gateway may have carried the call out all the same (no answer, or a 5xx). */
    readonly outcomeUnknown = false,
  ) {
    super(message);
  }
}

const ATTEMPTS = 6;
const RETRY_CAP_MS = 5_000;

/**
 * Whether a refusal is worth another try: the gateway's rate limit (a big fleet registers faster
 * than the per-client limit allows; refused before anything is done) and, for calls that are safe
 * to repeat, unavailable downstreams: the gateway answers 503 for a downstream that timed out too,
 * which may have done the work. A device's key limit is a 429 too, but waiting does not lift it.
 */
function retryable(response: JsonResponse, idempotent: boolean): boolean {
  if (response.status === 503) return idempotent;
  return response.status === 429 && gatewayErrorOf(response.body)?.reason === 'RATE_LIMIT.EXCEEDED';
}

export function operatorApi(
  baseUrl: string,
  token: string,
  timeoutMs: number,
  /** The run's connections (its CA and client certificate over HTTPS); Node's global agent by default. */
  agent?: GatewayAgent,
): OperatorApi {
  const headers = { authorization: `Bearer ${token}` };
  /**
   * One operator call with retries. A call that is not `idempotent` (each one creates something) is
   * repeated only when the earlier attempt certainly did nothing: never after a timeout or a
   * dropped connection, as every repeat could leave one more thing behind on the server.
   */
  const call = async (
    method: string,
    path: string,
    { body, idempotent }: { body?: unknown; idempotent: boolean },
  ): Promise<JsonResponse> => {
    for (let attempt = 1; ; attempt++) {
      const backoffMs = Math.min(RETRY_CAP_MS, 100 * 2 ** attempt);
      let response: JsonResponse;
      try {
        response = await requestJson(baseUrl + path, { method, headers, body, timeoutMs, agent });
      } catch (error) {
        const neverSent = requestNeverSent(error);
        if (attempt >= ATTEMPTS || !(idempotent || neverSent)) {
          const notRetried =
            neverSent || attempt >= ATTEMPTS ? '' : ' (not retried: the gateway may have done it)';
          throw new OperatorCallError(
            0,
            fetchFailureCode(error),
            `${method} ${path}: ${fetchFailureMessage(error)}${notRetried}`,
            !neverSent,
          );
        }
        await sleep(backoffMs);
        continue;
      }
      if (!retryable(response, idempotent) || attempt >= ATTEMPTS) return response;
      await sleep(response.retryAfterSeconds !== undefined ? response.retryAfterSeconds * 1000 : backoffMs);
    }
  };
  const refused = (method: string, path: string, response: JsonResponse) =>
    new OperatorCallError(
      response.status,
      gatewayErrorOf(response.body)?.reason ?? `HTTP ${response.status}`,
      `${method} ${path} answered HTTP ${response.status}: ${describeBody(response.body)}`,
      response.status >= 500,
    );
  const device = (id: string) => `/api/v1/devices/${encodeURIComponent(id)}`;

  return {
    async createDevice(deviceId) {
      const body = {
        id: deviceId,
        name: `loadgen ${deviceId}`,
        type: 'SENSOR_TYPE_TEMPERATURE',
        ownerEmail: 'loadgen@example.com',
        status: 'DEVICE_STATUS_ACTIVE',
        labels: { 'created-by': 'loadgen' },
      };
      // Safe to repeat: a repeat that finds the device made answers ALREADY_EXISTS, which is success.
      const response = await call('POST', '/api/v1/devices', { body, idempotent: true });
      if (response.status === 201) return 'created';
      if (response.status === 409) return 'exists';
      throw refused('POST', '/api/v1/devices', response);
    },
    async issueKey(deviceId, description) {
      const path = `${device(deviceId)}/keys`;
      // Every call issues another active key: never repeated when it may have been carried out.
      const response = await call('POST', path, { body: { description }, idempotent: false });
      const issued = response.body as { apiKey?: string; key?: { keyId?: string } } | undefined;
      if (response.status !== 201 || !issued?.apiKey) throw refused('POST', path, response);
      return { apiKey: issued.apiKey, keyId: issued.key?.keyId ?? '' };
    },
    async listKeys(deviceId) {
      const path = `${device(deviceId)}/keys`;
      const response = await call('GET', path, { idempotent: true });
      if (response.status !== 200) throw refused('GET', path, response);
      const keys = (response.body as { keys?: Partial<KeySummary>[] } | undefined)?.keys ?? [];
      return keys.map((k) => ({
        keyId: k.keyId ?? '',
        state: k.state ?? '',
        description: k.description ?? '',
        createTime: k.createTime ?? '',
      }));
    },
    async revokeKey(deviceId, keyId) {
      const path = `${device(deviceId)}/keys/${encodeURIComponent(keyId)}/revoke`;
      // Revoking a revoked key answers 200 again.
      const response = await call('POST', path, { idempotent: true });
      if (response.status !== 200) throw refused('POST', path, response);
    },
  };
}
