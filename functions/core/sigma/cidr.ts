/**
 * Strict IPv4/IPv6 prefixes (Python `ip_network(strict=True)`): a bare address is /32 or /128, host bits set or a
 * prefix beyond the family's width is an error. Values that are not IP addresses never match.
 */
type Cidr = { readonly family: 4 | 6; readonly network: bigint; readonly prefix: number; readonly mask: bigint };

const parseIpv4 = (text: string): bigint | undefined => {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
};

const parseGroups = (text: string): bigint[] | undefined => {
  if (text === '') return [];
  const groups: bigint[] = [];
  for (const group of text.split(':')) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    groups.push(BigInt(`0x${group}`));
  }
  return groups;
};

const parseIpv6 = (input: string): bigint | undefined => {
  let text = input.split('%')[0] ?? ''; // a zone id (fe80::1%eth0) does not change the address
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const explicit = head.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const zeros: bigint[] = Array.from({ length: 8 - explicit }, () => 0n);
  const groups = halves.length === 2 ? [...head, ...zeros, ...tail] : head;
  return groups.reduce((value, group) => (value << 16n) | group, 0n);
};

/** An IP address as family and number, or undefined when the text is not one. */
const parseIp = (text: string): { family: 4 | 6; value: bigint } | undefined => {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
};

/** Parse a network; returns a reason string when the text is not a strict CIDR. */
const parseCidr = (text: string): Cidr | string => {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return `invalid cidr '${text}'`;
  const ip = address.includes('%') ? undefined : parseIp(address);
  if (ip === undefined) return `invalid cidr '${text}': not an IP address`;
  const width = ip.family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return `invalid cidr '${text}': bad prefix`;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return `invalid cidr '${text}': prefix longer than ${width}`;
  const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - prefix)) - 1n);
  if ((ip.value & mask) !== ip.value) return `invalid cidr '${text}': host bits set`;
  return { family: ip.family, network: ip.value, prefix, mask };
};

/** Whether `value` is an address inside `cidr`. IPv4-mapped IPv6 addresses are not folded into IPv4. */
const cidrContains = (cidr: Cidr, value: string): boolean => {
  const ip = parseIp(value.trim());
  return ip !== undefined && ip.family === cidr.family && (ip.value & cidr.mask) === cidr.network;
};

export { type Cidr, cidrContains, parseCidr, parseIp };
