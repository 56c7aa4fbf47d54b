/** Who makes a REST call: the operator (bearer token), a device (API key) or nobody. */
export type RestCaller = 'operator' | 'nobody' | { apiKey: string } | { bearer: string };

export interface RestAnswer {
  status: number;
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  json: unknown;
  text: string;
  contentType: string | null;
}

export interface RestCall {
  as?: RestCaller;
  body?: unknown;
  /** Sent as is, for bodies JSON.stringify cannot produce (malformed, huge). */
  rawBody?: string;
  contentType?: string;
}

/** REST calls to the gateway; the base URL is asked for each call because a restart moves it. */
export function gatewayRest(baseUrl: () => string, operatorToken: string) {
  return async (method: string, path: string, call: RestCall = {}): Promise<RestAnswer> => {
    const as = call.as ?? 'operator';
    const headers: Record<string, string> = {};
    if (as === 'operator') headers['authorization'] = `Bearer ${operatorToken}`;
    else if (as !== 'nobody' && 'apiKey' in as) headers['x-api-key'] = as.apiKey;
    else if (as !== 'nobody') headers['authorization'] = `Bearer ${as.bearer}`;
    const payload = call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
    if (payload !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
    const response = await fetch(baseUrl() + path, { method, headers, body: payload });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, contentType: response.headers.get('content-type') };
  };
}

export type GatewayRest = ReturnType<typeof gatewayRest>;

/** Registers an active temperature device and issues its first key; returns the key. */
export async function registerDevice(rest: GatewayRest, id: string): Promise<string> {
  const created = await rest('POST', '/api/v1/devices', {
    body: {
      id,
      name: id,
      type: 'SENSOR_TYPE_TEMPERATURE',
      ownerEmail: 'ops@example.com',
      status: 'DEVICE_STATUS_ACTIVE',
    },
  });
  if (created.status !== 201) throw new Error(`registering ${id}: ${created.status} ${created.text}`);
  const key = await rest('POST', `/api/v1/devices/${id}/keys`, { body: { description: 'reliability' } });
  if (key.status !== 201) throw new Error(`issuing a key for ${id}: ${key.status} ${key.text}`);
  return (key.json as { apiKey: string }).apiKey;
}
