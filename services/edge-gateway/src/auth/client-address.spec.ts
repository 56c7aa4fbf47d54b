import { clientAddress, ipAddressOf } from './client-address.js';

describe('the client address', () => {
  it('is the peer of a gRPC call or an HTTP request', () => {
    expect(clientAddress('ipv4:10.1.2.3:5555', [], 0)).toBe('10.1.2.3');
    expect(clientAddress('ipv6:[::1]:5555', [], 0)).toBe('0:0:0:0::/64');
    expect(clientAddress('10.0.0.9', ['1.2.3.4, 10.0.0.1'], 0)).toBe('10.0.0.9');
  });

  it('behind trusted proxies, is the entry the farthest of them appended, not what the client wrote', () => {
    // The client sent "6.6.6.6, 7.7.7.7"; the one proxy in front appended the peer it saw.
    expect(clientAddress('10.0.0.9', ['6.6.6.6, 7.7.7.7, 203.0.113.5'], 1)).toBe('203.0.113.5');
    expect(clientAddress('10.0.0.9', ['6.6.6.6,203.0.113.5'], 1)).toBe('203.0.113.5');
    // A load balancer in front of that proxy: the client is the second entry from the right.
    expect(clientAddress('10.0.0.9', ['6.6.6.6, 203.0.113.5, 198.51.100.2'], 2)).toBe('203.0.113.5');
    // A header sent more than once is one list, in the order received.
    expect(clientAddress('10.0.0.9', ['6.6.6.6', '203.0.113.5'], 1)).toBe('203.0.113.5');
  });

  it('is the peer when the proxies did not write the header', () => {
    expect(clientAddress('10.0.0.9', [], 1)).toBe('10.0.0.9');
    expect(clientAddress('10.0.0.9', ['203.0.113.5'], 2)).toBe('10.0.0.9');
    expect(clientAddress('ipv4:10.0.0.9:5555', ['6.6.6.6, '], 1)).toBe('10.0.0.9');
  });

  it('groups IPv6 clients by their /64, from the peer or from X-Forwarded-For', () => {
    expect(clientAddress('ipv6:[2001:db8:1:2::5]:5555', [], 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd', [], 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('10.0.0.9', ['6.6.6.6, 2001:0db8:0001:0002:0000:0000:0000:0009'], 1)).toBe(
      '2001:db8:1:2::/64',
    );
    // A dual-stack socket's IPv4 client is that IPv4 address.
    expect(clientAddress('::ffff:203.0.113.5', [], 0)).toBe('203.0.113.5');
  });

  it('behind trusted proxies, leaves out the port a proxy wrote after the address', () => {
    for (const port of [1, 443, 65535]) {
      expect(clientAddress('10.0.0.9', [`6.6.6.6, 203.0.113.5:${port}`], 1)).toBe('203.0.113.5');
      expect(clientAddress('10.0.0.9', [`6.6.6.6, [2001:db8:1:2::5]:${port}`], 1)).toBe('2001:db8:1:2::/64');
    }
    expect(clientAddress('10.0.0.9', ['[2001:db8:1:2::5]'], 1)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('10.0.0.9', ['[::ffff:203.0.113.5]:80'], 1)).toBe('203.0.113.5');
  });

  it('behind trusted proxies, is the peer (the proxy) when the entry names no IP address', () => {
    for (const entry of [
      'unknown',
      'proxy.example',
      'proxy.example:80',
      '_hidden',
      '203.0.113.5:x',
      '[junk]:1',
    ])
      expect([entry, clientAddress('ipv4:10.0.0.9:5555', [`6.6.6.6, ${entry}`], 1)]).toEqual([
        entry,
        '10.0.0.9',
      ]);
  });
});

describe('the IP address a text names', () => {
  it('is the address without its port, or none', () => {
    expect(ipAddressOf('203.0.113.5')).toBe('203.0.113.5');
    expect(ipAddressOf('203.0.113.5:8080')).toBe('203.0.113.5');
    expect(ipAddressOf('2001:db8::7')).toBe('2001:db8::7');
    expect(ipAddressOf('[2001:db8::7]:443')).toBe('2001:db8::7');
    expect(ipAddressOf('fe80::1%eth0')).toBe('fe80::1%eth0');
    expect(ipAddressOf('2001:db8::7:443')).toBe('2001:db8::7:443'); // an IPv6 address, not one with a port
    for (const text of [
      '',
      'unknown',
      'host:80',
      '203.0.113.5:',
      '203.0.113.5:123456',
      '[2001:db8::7',
      '1.2.3.4.5',
    ])
      expect([text, ipAddressOf(text)]).toEqual([text, undefined]);
  });
});
