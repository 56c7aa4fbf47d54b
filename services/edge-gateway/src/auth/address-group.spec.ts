import { addressGroup } from './address-group.js';

describe('the group a client address counts in', () => {
  it('is an IPv4 address itself', () => {
    expect(addressGroup('203.0.113.5')).toBe('203.0.113.5');
    expect(addressGroup('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressGroup('::FFFF:10.0.0.1')).toBe('10.0.0.1');
  });

  it("is an IPv6 address's /64, however the address is written", () => {
    for (const written of [
      '2001:db8:1:2::1',
      '2001:0db8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:DB8:1:2::',
      '2001:db8:1:2::192.0.2.1',
      '2001:db8:1:2::1%eth0',
    ])
      expect([written, addressGroup(written)]).toEqual([written, '2001:db8:1:2::/64']);
    expect(addressGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('leaves what is no IP address as it is', () => {
    expect(addressGroup('unknown')).toBe('unknown');
    expect(addressGroup('proxy.example')).toBe('proxy.example');
  });
});
