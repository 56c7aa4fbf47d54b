import { UnavailableError } from './unavailable.error.js';

/**
 * This service cannot answer because a service it calls failed, after this service's own retries
 * (its downstream down or too slow). Answered UNAVAILABLE with a trailer that tells the caller's
 * gRPC retries to stop: retrying at every hop would multiply the attempts the failed service gets and
 * hold the first caller past its deadline, and the retry would meet the same failure.
 */
export class DownstreamUnavailableError extends UnavailableError {}
