import { addressGroup } from './address-group.js';

/**
 * The caller's IP for rate limiting. Behind trusted proxies (`trustedHops` > 0) it is the X-Forwarded-For
 * entry the farthest of them appended: each proxy appends the peer it saw, so that entry is `trustedHops`
 * from the right, and anything left of it is what the client sent (the leftmost entry would let every
 * request pick its own bucket). `forwardedFor` holds every X-Forwarded-For value in the order received.
 * A request with fewer entries did not come through those proxies, and so does one with `trustedHops` 0:
 * the socket peer is the client. gRPC peers look like "ipv4:1.2.3.4:5678" or "ipv6:[::1]:5678". An IPv6
 * client counts by its /64 (addressGroup).
 */
export function clientAddress(peer: string, forwardedFor: readonly string[], trustedHops: number): string {
  if (trustedHops > 0) {
    const entries = forwardedFor.flatMap((value) => value.split(','));
    const appended = entries[entries.length - trustedHops]?.trim();
    if (appended) return addressGroup(appended);
  }
  const grpcPeer = /^ipv[46]:\[?([^\]]+?)\]?:\d+$/.exec(peer);
  return addressGroup(grpcPeer?.[1] ?? peer);
}
