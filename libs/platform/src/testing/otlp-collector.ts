import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  attributes: Record<string, string | number>;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}

interface OtlpSpan extends Omit<CollectedSpan, 'service' | 'statusCode' | 'attributes'> {
  status?: { code?: number };
  attributes?: OtlpAttribute[];
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

const attributeValue = ({ value }: OtlpAttribute): string | number =>
  value.intValue !== undefined ? Number(value.intValue) : (value.stringValue ?? '');

/** A loopback OTLP/HTTP JSON receiver that keeps every span it is sent. */
export async function startOtlpCollector(): Promise<{
  endpoint: string;
  spans: CollectedSpan[];
  /** The spans of one trace, once `count` of them have arrived (or all there are after 30 s). */
  spansOf(traceId: string, count: number): Promise<CollectedSpan[]>;
  close(): Promise<void>;
}> {
  const spans: CollectedSpan[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const payload = JSON.parse(body) as OtlpJson;
      for (const resourceSpans of payload.resourceSpans ?? []) {
        const service =
          resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const { status, attributes = [], ...span } of scope.spans ?? [])
            spans.push({
              ...span,
              service,
              parentSpanId: span.parentSpanId ?? '',
              statusCode: status?.code ?? 0,
              attributes: Object.fromEntries(attributes.map((a) => [a.key, attributeValue(a)])),
            });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ofTrace = (traceId: string) => spans.filter((s) => s.traceId === traceId);
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    spansOf: async (traceId, count) => {
      // Long enough for a batch exporter on a busy machine; the caller's assertions say what is missing.
      const until = Date.now() + 30_000;
      while (Date.now() < until && ofTrace(traceId).length < count)
        await new Promise((resolve) => setTimeout(resolve, 25));
      return ofTrace(traceId);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
