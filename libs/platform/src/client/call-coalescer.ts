import { context, type Context } from '@opentelemetry/api';
import { mergedCallContext } from '../observability/merged-call-trace.js';

/** Schedules the linger flush; injectable so tests fire it by hand. */
export interface LingerTimer {
  start(callback: () => void, delayMs: number): unknown;
  cancel(handle: unknown): void;
}

export const realTimer: LingerTimer = {
  start: (callback, delayMs) => setTimeout(callback, delayMs),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface CoalescerSettings {
  /** How long the first waiting caller waits for company. */
  lingerMs: number;
  /** Most items per downstream call; a full batch goes at once. */
  maxItems: number;
  /**
   * Most calls out at once (0 = no bound). While that many are out, callers keep gathering and go
   * together when one returns, so batches grow with the load instead of the calls multiplying.
   */
  maxInFlight: number;
  /**
   * Whether a caller that finds no call out and nobody gathering still waits the linger for company.
   * false: it goes at once, and only callers arriving while calls are out gather (as behind a busy
   * slot). At low rates that takes the linger off every request; under load calls are nearly always
   * out, so batches form as before.
   */
  lingerWhenIdle: boolean;
}

/** Sends one merged batch downstream. */
export type BatchCall<Item, Response> = (items: Item[]) => Promise<Response>;

/** Splits the merged call's response into one outcome per caller, given each caller's items in order. */
export type ResponseSplitter<Item, Response, Outcome> = (
  response: Response,
  callers: ReadonlyArray<readonly Item[]>,
) => Outcome[];

interface Waiting<Item, Outcome> {
  readonly items: readonly Item[];
  /** The trace context the caller asked in. */
  readonly context: Context;
  readonly resolve: (outcome: Outcome) => void;
  readonly reject: (error: unknown) => void;
}

interface Pending<Item, Outcome> {
  readonly callers: Array<Waiting<Item, Outcome>>;
  size: number;
  timer?: unknown;
  /** Its linger ran out while every call slot was taken; the next returning call sends it. */
  lingered?: boolean;
}

/**
 * Merges the items of concurrent callers into one downstream call: a batch goes out when it has
 * waited `lingerMs` and a call slot is free, or at once when it holds `maxItems` (or, unless
 * `lingerWhenIdle`, when its first caller found no call out). A caller's items always travel
 * together, in order. Each caller is answered only when the call carrying its items
 * returned, with its own share of the response; a failed call fails all its callers with the same
 * error. Callers with more than `maxItems` items must be sent on their own.
 *
 * The call is made in its first caller's trace context (its first sampled caller's, when there is one),
 * whatever started it: a linger timer or the return of an earlier call. Its client span links to the
 * spans of the other callers, and they to it (see mergedCallContext).
 */
export class CallCoalescer<Item, Response, Outcome> {
  private pending?: Pending<Item, Outcome>;
  private inFlight = 0;

  constructor(
    private readonly call: BatchCall<Item, Response>,
    private readonly split: ResponseSplitter<Item, Response, Outcome>,
    private readonly settings: CoalescerSettings,
    private readonly timer: LingerTimer = realTimer,
  ) {}

  /** Items gathered for the next call, not yet sent. */
  get waitingItems(): number {
    return this.pending?.size ?? 0;
  }

  submit(items: readonly Item[]): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      if (this.pending && this.pending.size + items.length > this.settings.maxItems) this.flush();
      const pending = (this.pending ??= { callers: [], size: 0 });
      pending.callers.push({ items, context: context.active(), resolve, reject });
      pending.size += items.length;
      if (pending.size >= this.settings.maxItems || this.idle(pending)) this.flush();
      else pending.timer ??= this.timer.start(() => this.flushWhenFree(), this.settings.lingerMs);
    });
  }

  /** Sends whatever is waiting now (also used on shutdown, before the client is closed). */
  flush(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    if (pending.timer !== undefined) this.timer.cancel(pending.timer);
    void this.send(pending.callers);
  }

  /** A lone caller with no call out, when lingering then would only add latency. */
  private idle(pending: Pending<Item, Outcome>): boolean {
    return !this.settings.lingerWhenIdle && this.inFlight === 0 && pending.callers.length === 1;
  }

  /** The linger is over: send now, or as soon as a call returns when all slots are taken. */
  private flushWhenFree(): void {
    if (this.pending) this.pending.lingered = true;
    const { maxInFlight } = this.settings;
    if (maxInFlight <= 0 || this.inFlight < maxInFlight) this.flush();
  }

  private async send(callers: ReadonlyArray<Waiting<Item, Outcome>>): Promise<void> {
    this.inFlight++;
    let outcomes: Outcome[];
    try {
      const items = callers.flatMap((caller) => caller.items);
      const callContext = mergedCallContext(callers);
      // A lone caller sent at once is already in its context: entering it again costs more than the check.
      const response = await (callContext === context.active()
        ? this.call(items)
        : context.with(callContext, () => this.call(items)));
      outcomes = this.split(
        response,
        callers.map((caller) => caller.items),
      );
    } catch (error) {
      for (const caller of callers) caller.reject(error);
      return;
    } finally {
      this.inFlight--;
      if (this.pending?.lingered) this.flush();
    }
    callers.forEach((caller, index) => caller.resolve(outcomes[index]));
  }
}
