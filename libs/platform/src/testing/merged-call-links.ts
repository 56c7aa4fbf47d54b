import type { CollectedSpan } from './otlp-collector.js';

const idOf = (span: { traceId: string; spanId: string }) => `${span.traceId}/${span.spanId}`;

/**
 * What is missing between the client span of a call made for several callers and the spans of the
 * callers beside the one whose trace it is in: its link to each of them, and theirs back to it (see
 * mergedCallContext). Empty when they are linked both ways and the call links to nothing else.
 */
export function missingMergeLinks(call: CollectedSpan, others: readonly CollectedSpan[]): string[] {
  const linked = new Set(call.links.map(idOf));
  const expected = new Set(others.map(idOf));
  return [
    ...others.filter((other) => !linked.has(idOf(other))).map((other) => `no link to ${idOf(other)}`),
    ...call.links.filter((link) => !expected.has(idOf(link))).map((link) => `a link to ${idOf(link)}`),
    ...others
      .filter((other) => other.links.map(idOf).join() !== idOf(call))
      .map((other) => `${idOf(other)} does not link back (only) to the call`),
  ];
}
