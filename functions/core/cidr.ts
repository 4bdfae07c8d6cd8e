/**
 * Small, dependency-free CIDR arithmetic for IPv4 and IPv6 (BigInt based).
 */

export interface Cidr {
  version: 4 | 6;
  /** Network address as an integer (host bits cleared). */
  network: bigint;
  prefix: number;
}

export const WORLD_CIDRS: readonly string[] = ['0.0.0.0/0', '::/0'];

function parseIpv4(address: string): bigint | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(address: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(address)) return undefined;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (text: string): string[] => (text === '' ? [] : text.split(':'));
  const head = toGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  const groups: number[] = [];
  const pushGroups = (list: string[]): boolean => {
    for (const group of list) {
      if (group.includes('.')) {
        const v4 = parseIpv4(group);
        if (v4 === undefined) return false;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return false;
        groups.push(Number.parseInt(group, 16));
      }
    }
    return true;
  };
  if (!pushGroups(head)) return undefined;
  const headCount = groups.length;
  if (!pushGroups(tail)) return undefined;
  const missing = 8 - groups.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const full = [...groups.slice(0, headCount), ...Array(missing).fill(0), ...groups.slice(headCount)];
  return full.reduce((acc: bigint, group: number) => (acc << 16n) | BigInt(group), 0n);
}

/** Parses `a.b.c.d/n` or an IPv6 `x::/n`; a bare address is a /32 or /128. Undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (address === undefined || rest.length > 0) return undefined;
  const version = address.includes(':') ? 6 : 4;
  const bits = version === 4 ? 32 : 128;
  const value = version === 4 ? parseIpv4(address) : parseIpv6(address);
  if (value === undefined) return undefined;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  const network = (value >> hostBits) << hostBits;
  return { version, network, prefix };
}

/** True when `outer` contains every address of `inner` (same IP version). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.version !== inner.version || outer.prefix > inner.prefix) return false;
  const bits = outer.version === 4 ? 32 : 128;
  const hostBits = BigInt(bits - outer.prefix);
  return inner.network >> hostBits === outer.network >> hostBits;
}

/** String convenience over {@link cidrContains}; false when either side is malformed. */
export function cidrTextContains(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  return a !== undefined && b !== undefined && cidrContains(a, b);
}

/** Whether the CIDR text is `0.0.0.0/0` or `::/0` (in any spelling). */
export function isWorldCidr(text: string): boolean {
  const cidr = parseCidr(text);
  return cidr !== undefined && cidr.prefix === 0 && text.includes('/');
}

/** Number of addresses in an IPv4 prefix length. */
export function ipv4BlockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}
