import { createContextKey, trace, TraceFlags, type Context, type Link, type Span } from '@opentelemetry/api';

const OTHER_CALLERS = createContextKey('iot-mesh: the other callers of a merged call');

/** A caller of a merged call: the context it asked in. */
export interface MergingCaller {
  readonly context: Context;
}

const sampledSpanOf = (caller: MergingCaller): Span | undefined => {
  const span = trace.getSpan(caller.context);
  return span && span.spanContext().traceFlags & TraceFlags.SAMPLED ? span : undefined;
};

/**
 * The context to make one downstream call in for several callers (CallCoalescer): the first sampled
 * caller's, or the first caller's when none is sampled, so that the call joins a trace it belongs to
 * rather than whatever context started it. The sampled spans of the other callers go with it; the
 * client span of the call made in it links to them, and they link back (clientTracingInterceptor). With no
 * sampled caller it is the first caller's context as it is: nothing is allocated.
 */
export function mergedCallContext(callers: readonly MergingCaller[]): Context {
  if (callers.length === 1) return callers[0].context;
  let carrier: MergingCaller | undefined;
  let carrierSpan: Span | undefined;
  let others: Span[] | undefined;
  for (const caller of callers) {
    const span = sampledSpanOf(caller);
    if (!span) continue;
    if (!carrier) [carrier, carrierSpan] = [caller, span];
    else if (span !== carrierSpan) (others ??= []).push(span);
  }
  const context = (carrier ?? callers[0]).context;
  return others ? context.setValue(OTHER_CALLERS, others) : context;
}

/** The spans of the other callers a call made in `context` carries (see mergedCallContext). */
export function otherCallersOf(context: Context): readonly Span[] | undefined {
  return context.getValue(OTHER_CALLERS) as readonly Span[] | undefined;
}

/** A link to `span`. */
export const linkTo = (span: Span): Link => ({ context: span.spanContext() });

/** Links the spans of the other callers back to the span of the call that carried their items. */
export function linkBack(others: readonly Span[], call: Span): void {
  if (!call.isRecording()) return;
  const link = linkTo(call);
  for (const caller of others) caller.addLink(link);
}
