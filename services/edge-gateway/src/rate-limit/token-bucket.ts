/** A token bucket: `perSecond` tokens flow in, at most `burst` are kept; each request takes `cost`. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

export interface BucketState {
  tokens: number;
  updatedMs: number;
}

export interface TakeResult {
  allowed: boolean;
  state: BucketState;
  /** When refused: how long until enough tokens are back. */
  retryAfterMs: number;
}

export function take(
  state: BucketState | undefined,
  nowMs: number,
  limit: BucketLimit,
  cost = 1,
): TakeResult {
  const previous = state ?? { tokens: limit.burst, updatedMs: nowMs };
  const elapsed = Math.max(0, nowMs - previous.updatedMs) / 1000;
  const tokens = Math.min(limit.burst, previous.tokens + elapsed * limit.perSecond);
  if (tokens >= cost)
    return { allowed: true, state: { tokens: tokens - cost, updatedMs: nowMs }, retryAfterMs: 0 };
  return {
    allowed: false,
    state: { tokens, updatedMs: nowMs },
    retryAfterMs: Math.ceil(((cost - tokens) / limit.perSecond) * 1000),
  };
}
