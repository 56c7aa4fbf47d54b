import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CollectedSpan {
  service: string;
  /** Every attribute of the span's resource, service.name included. */
  resource: Record<string, string | number>;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  attributes: Record<string, string | number>;
  /** The spans this one links to (a stream's batch to the stream). */
  links: { traceId: string; spanId: string }[];
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}

interface OtlpSpan extends Omit<
  CollectedSpan,
  'service' | 'resource' | 'statusCode' | 'attributes' | 'links'
> {
  status?: { code?: number };
  attributes?: OtlpAttribute[];
  links?: { traceId: string; spanId: string }[];
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

const attributeValue = ({ value }: OtlpAttribute): string | number =>
  value.intValue !== undefined ? Number(value.intValue) : (value.stringValue ?? '');
const attributesOf = (attributes: OtlpAttribute[] = []) =>
  Object.fromEntries(attributes.map((a) => [a.key, attributeValue(a)]));

/** A loopback OTLP/HTTP JSON receiver that keeps every span it is sent. */
export async function startOtlpCollector(): Promise<{
  endpoint: string;
  /** The variables that make a service export its spans here as JSON, each batch within 50 ms. */
  exporterEnv: Record<string, string>;
  spans: CollectedSpan[];
  /** The spans of one trace, once `count` of them have arrived (or all there are after 30 s). */
  spansOf(traceId: string, count: number): Promise<CollectedSpan[]>;
  /** The spans that `match`, once `count` of them have arrived (or all there are after 30 s). */
  spansWhere(match: (span: CollectedSpan) => boolean, count: number): Promise<CollectedSpan[]>;
  close(): Promise<void>;
}> {
  const spans: CollectedSpan[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const payload = JSON.parse(body) as OtlpJson;
      for (const resourceSpans of payload.resourceSpans ?? []) {
        const resource = attributesOf(resourceSpans.resource?.attributes);
        const service = String(resource['service.name'] ?? '');
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const { status, attributes, links = [], ...span } of scope.spans ?? [])
            spans.push({
              ...span,
              service,
              resource,
              parentSpanId: span.parentSpanId ?? '',
              statusCode: status?.code ?? 0,
              attributes: attributesOf(attributes),
              links: links.map(({ traceId, spanId }) => ({ traceId, spanId })),
            });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const spansWhere = async (match: (span: CollectedSpan) => boolean, count: number) => {
    // Long enough for a batch exporter on a busy machine; the caller's assertions say what is missing.
    const until = Date.now() + 30_000;
    while (Date.now() < until && spans.filter(match).length < count)
      await new Promise((resolve) => setTimeout(resolve, 25));
    return spans.filter(match);
  };
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    exporterEnv: {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    },
    spans,
    spansOf: (traceId, count) => spansWhere((span) => span.traceId === traceId, count),
    spansWhere,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
