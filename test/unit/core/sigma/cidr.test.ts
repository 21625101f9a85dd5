import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr } from '../../../../functions/core/sigma/cidr.js';

const parsed = (text: string) => {
  const cidr = parseCidr(text);
  if (typeof cidr === 'string') throw new Error(cidr);
  return cidr;
};

describe('parseCidr()', () => {
  it.each([
    { text: '10.0.0.0/8', family: 4, prefix: 8 },
    { text: '0.0.0.0/0', family: 4, prefix: 0 },
    { text: '192.0.2.7', family: 4, prefix: 32 },
    { text: '255.255.255.255/32', family: 4, prefix: 32 },
    { text: '::/0', family: 6, prefix: 0 },
    { text: '::1', family: 6, prefix: 128 },
    { text: '2001:db8::/32', family: 6, prefix: 32 },
    { text: '2001:DB8::/32', family: 6, prefix: 32 },
    { text: 'fe80::/10', family: 6, prefix: 10 },
    { text: '::ffff:192.0.2.0/120', family: 6, prefix: 120 },
    { text: '1:2:3:4:5:6:7:8', family: 6, prefix: 128 },
  ])('accepts $text', ({ text, family, prefix }) => {
    // Act
    const cidr = parsed(text);
    // Assess
    expect({ family: cidr.family, prefix: cidr.prefix }).toEqual({ family, prefix });
  });

  it.each([
    { text: '10.0.0.5/8', reason: "invalid cidr '10.0.0.5/8': host bits set" },
    { text: '10.0.0.0/33', reason: "invalid cidr '10.0.0.0/33': prefix longer than 32" },
    { text: '2001:db8::1/32', reason: "invalid cidr '2001:db8::1/32': host bits set" },
    { text: '::/129', reason: "invalid cidr '::/129': prefix longer than 128" },
    { text: '256.0.0.0/8', reason: "invalid cidr '256.0.0.0/8': not an IP address" },
    { text: '010.0.0.0/8', reason: "invalid cidr '010.0.0.0/8': not an IP address" },
    { text: '10.0.0/8', reason: "invalid cidr '10.0.0/8': not an IP address" },
    { text: '1::2::3/64', reason: "invalid cidr '1::2::3/64': not an IP address" },
    { text: '1:2:3:4:5:6:7:8:9', reason: "invalid cidr '1:2:3:4:5:6:7:8:9': not an IP address" },
    { text: '10.0.0.0/x', reason: "invalid cidr '10.0.0.0/x': bad prefix" },
    { text: '10.0.0.0/08', reason: "invalid cidr '10.0.0.0/08': bad prefix" },
    { text: '10.0.0.0/8/8', reason: "invalid cidr '10.0.0.0/8/8'" },
    { text: 'fe80::%eth0/64', reason: "invalid cidr 'fe80::%eth0/64': not an IP address" },
    { text: 'x.x.x.x/0', reason: "invalid cidr 'x.x.x.x/0': not an IP address" },
  ])('refuses $text', ({ text, reason }) => {
    // Act
    const result = parseCidr(text);
    // Assess
    expect(result).toBe(reason);
  });
});

describe('cidrContains()', () => {
  it.each([
    { cidr: '10.0.0.0/8', value: '10.255.255.255', expected: true },
    { cidr: '10.0.0.0/8', value: '11.0.0.0', expected: false },
    { cidr: '0.0.0.0/0', value: '203.0.113.9', expected: true },
    { cidr: '192.0.2.7', value: '192.0.2.7', expected: true },
    { cidr: '192.0.2.7', value: '192.0.2.8', expected: false },
    { cidr: '2001:db8::/32', value: '2001:db8:ffff::1', expected: true },
    { cidr: '2001:db8::/32', value: '2001:0db9::1', expected: false },
    { cidr: '::/0', value: '10.0.0.1', expected: false },
    { cidr: '0.0.0.0/0', value: '::ffff:10.0.0.1', expected: false },
    { cidr: '::ffff:0.0.0.0/96', value: '::ffff:10.0.0.1', expected: true },
    { cidr: 'fe80::/10', value: 'fe80::1%eth0', expected: true },
    { cidr: '0.0.0.0/0', value: 'cloudtrail.amazonaws.com', expected: false },
    { cidr: '0.0.0.0/0', value: '', expected: false },
    { cidr: '0.0.0.0/0', value: ' 10.0.0.1 ', expected: true },
  ])('$cidr contains $value: $expected', ({ cidr, value, expected }) => {
    // Act
    const result = cidrContains(parsed(cidr), value);
    // Assess
    expect(result).toBe(expected);
  });
});
