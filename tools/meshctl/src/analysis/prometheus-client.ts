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

/** How long one query may take before it counts as unanswered. */
export const QUERY_TIMEOUT_MS = 10_000;

/** How much of a body that is not Prometheus' JSON (a proxy's error page, say) an error quotes. */
const EXCERPT_CHARS = 120;

/** "HTTP 503 Service Unavailable: <the body's first characters>", whitespace folded. */
const httpError = (response: Response, body: string) => {
  const excerpt = body.replace(/\s+/g, ' ').trim();
  const cut = excerpt.length > EXCERPT_CHARS ? `${excerpt.slice(0, EXCERPT_CHARS)}...` : excerpt;
  return `HTTP ${response.status} ${response.statusText}`.trim() + (cut ? `: ${cut}` : '');
};

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
    let text: string;
    try {
      // The timeout covers reading the body too.
      response = await this.fetchFn(url, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
      text = await response.text();
    } catch (error) {
      throw new PrometheusError(`cannot reach Prometheus at ${this.baseUrl}: ${(error as Error).message}`);
    }
    let body: QueryResponse | null;
    try {
      body = JSON.parse(text) as QueryResponse;
    } catch {
      // Not Prometheus answering (a proxy, a restarting server): its status says more than the query.
      throw new PrometheusError(`Prometheus at ${this.baseUrl} answered ${httpError(response, text)}`);
    }
    if (!response.ok || body?.status !== 'success') {
      throw new PrometheusError(`Prometheus rejected ${query}: ${body?.error ?? httpError(response, '')}`);
    }
    const raw = body.data?.result[0]?.value?.[1];
    const value = raw === undefined ? Number.NaN : (INFINITIES[raw] ?? Number(raw));
    return Number.isNaN(value) ? undefined : value;
  }
}
