import { isIPv6 } from 'node:net';

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * What one client's limits are counted against: an IPv4 address as it is, an IPv6 address by its /64.
 * A subscriber is given a whole /64 (or more) and may use any address in it, so counting single IPv6
 * addresses would give one client 2^64 buckets. An IPv4 address written as IPv6 (::ffff:a.b.c.d, as a
 * dual-stack socket reports it) is that IPv4 address. Anything else (a peer that is no IP address, such as
 * a Unix socket's) as it is: clientAddress passes no X-Forwarded-For entry that names none.
 */
export function addressGroup(address: string): string {
  const mapped = IPV4_MAPPED.exec(address);
  if (mapped?.[1]) return mapped[1];
  const bare = address.split('%')[0] ?? address; // a zone index (fe80::1%eth0) names the interface only
  if (!isIPv6(bare)) return address;
  return `${firstHextets(bare, 4).join(':')}::/64`;
}

/** The first `count` 16-bit groups of an IPv6 address, without leading zeros. */
function firstHextets(address: string, count: number): string[] {
  // Only the last 32 bits may be written as dotted IPv4: two groups, never among the first four.
  const groups = (part: string) =>
    part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
  const [head = '', tail] = address.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros: string[] = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...(tail === undefined ? [] : zeros), ...right]
    .slice(0, count)
    .map((group) => parseInt(group, 16).toString(16));
}
