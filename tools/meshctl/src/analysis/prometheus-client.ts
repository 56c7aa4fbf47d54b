/** Prometheus could not answer (unreachable, bad query): analysis treats it as missing data. */
export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
}

interface QueryResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { value?: [number, string] }[] };
}

// Prometheus writes infinities as Go does, which Number() does not read.
const INFINITIES: Record<string, number> = { '+Inf': Infinity, '-Inf': -Infinity };

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/** Instant queries over the HTTP API (/api/v1/query); a query yields one number or nothing. */
export class PrometheusClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: FetchLike = fetch,
  ) {}

  /** Resolves when Prometheus answers a query; rejects with a PrometheusError saying why when it cannot. */
  async ping(): Promise<void> {
    await this.scalar('vector(1)');
  }

  /**
   * The first sample's value; undefined for an empty result or NaN (e.g. a quantile of no calls). A
   * quantile beyond the largest bucket is +Inf, a real and very high value, so it stays Infinity.
   */
  async scalar(query: string): Promise<number | undefined> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new PrometheusError(`cannot reach Prometheus at ${this.baseUrl}: ${(error as Error).message}`);
    }
    const body = (await response
      .json()
      .catch(() => ({ status: 'error', error: 'not JSON' }))) as QueryResponse;
    if (!response.ok || body.status !== 'success') {
      throw new PrometheusError(`Prometheus rejected ${query}: ${body.error ?? response.statusText}`);
    }
    const raw = body.data?.result[0]?.value?.[1];
    const value = raw === undefined ? Number.NaN : (INFINITIES[raw] ?? Number(raw));
    return Number.isNaN(value) ? undefined : value;
  }
}
