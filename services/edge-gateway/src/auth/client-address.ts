import type { HeaderLookup } from './credentials.js';

/**
 * The caller's IP for rate limiting: the first X-Forwarded-For entry when the gateway sits behind a
 * trusted proxy, else the socket peer. gRPC peers look like "ipv4:1.2.3.4:5678" or "ipv6:[::1]:5678".
 */
export function clientAddress(peer: string, header: HeaderLookup, trustForwardedFor: boolean): string {
  if (trustForwardedFor) {
    const forwarded = header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const grpcPeer = /^ipv[46]:\[?([^\]]+?)\]?:\d+$/.exec(peer);
  return grpcPeer?.[1] ?? peer;
}
