import { isIP } from 'node:net';
import { addressGroup } from './address-group.js';

// An address followed by a port, as some L7 load balancers write their client into X-Forwarded-For:
// "1.2.3.4:5678", "[2001:db8::7]:443". An IPv6 address may also be in brackets without a port.
const ADDRESS_AND_PORT = /^(?:\[([^\]]+)\]|([^:]+))(?::\d{1,5})?$/;

/** The IP address `text` names, without its port; undefined when it names none (a hostname, "unknown"). */
export function ipAddressOf(text: string): string | undefined {
  if (isIP(text)) return text;
  const [, bracketed, plain] = ADDRESS_AND_PORT.exec(text) ?? [];
  const address = bracketed ?? plain;
  return address !== undefined && isIP(address) ? address : undefined;
}

/**
 * The caller's IP for rate limiting. Behind trusted proxies (`trustedHops` > 0) it is the X-Forwarded-For
 * entry the farthest of them appended: each proxy appends the peer it saw, so that entry is `trustedHops`
 * from the right, and anything left of it is what the client wrote (the leftmost entry would let every
 * request pick its own bucket). `forwardedFor` holds every X-Forwarded-For value in the order received.
 * A request with fewer entries did not come through those proxies, and so does one with `trustedHops` 0:
 * the socket peer is the client. The entry's port, if the proxy wrote one, is not part of the address
 * (each connection would be a bucket of its own), and an entry that names no IP address counts as the
 * socket peer, the proxy that passed it on, so that no spelling of it is a fresh bucket either. gRPC
 * peers look like "ipv4:1.2.3.4:5678" or "ipv6:[::1]:5678". An IPv6 client counts by its /64
 * (addressGroup).
 */
export function clientAddress(peer: string, forwardedFor: readonly string[], trustedHops: number): string {
  if (trustedHops > 0) {
    const entries = forwardedFor.flatMap((value) => value.split(','));
    const appended = entries[entries.length - trustedHops]?.trim();
    const address = appended && ipAddressOf(appended);
    if (address) return addressGroup(address);
  }
  // The peer comes from the socket: only the gRPC form needs taking apart.
  const grpcPeer = /^ipv[46]:\[?([^\]]+?)\]?:\d+$/.exec(peer);
  return addressGroup(grpcPeer?.[1] ?? peer);
}
