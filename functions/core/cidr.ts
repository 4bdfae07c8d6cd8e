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
  // The same few thousand CIDR texts are parsed by many rules and clusters; results are
  // immutable, so a bounded memo saves the BigInt work (cleared whole when full).
  const cached = parseMemo.get(text);
  if (cached !== undefined || parseMemo.has(text)) return cached;
  const parsed = parseCidrText(text);
  if (parseMemo.size >= PARSE_MEMO_LIMIT) parseMemo.clear();
  parseMemo.set(text, parsed);
  return parsed;
}

const PARSE_MEMO_LIMIT = 100_000;
const parseMemo = new Map<string, Cidr | undefined>();

function parseCidrText(text: string): Cidr | undefined {
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

/** First and last address of a CIDR, as integers. */
export function cidrBounds(cidr: Cidr): { first: bigint; last: bigint } {
  const bits = cidr.version === 4 ? 32 : 128;
  const size = 1n << BigInt(bits - cidr.prefix);
  return { first: cidr.network, last: cidr.network + size - 1n };
}

/** Whether two CIDRs share at least one address (false across IP versions). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  const x = cidrBounds(a);
  const y = cidrBounds(b);
  return x.first <= y.last && y.first <= x.last;
}

/** String convenience over {@link cidrsOverlap}; false when either side is malformed. */
export function cidrTextsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== undefined && y !== undefined && cidrsOverlap(x, y);
}

/** Whether the union of `cidrs` (one IP version) is the whole address space of `version`. */
function unionIsWholeSpace(cidrs: readonly Cidr[], version: 4 | 6): boolean {
  const last = (1n << BigInt(version === 4 ? 32 : 128)) - 1n;
  const intervals = cidrs
    .filter((c) => c.version === version)
    .map(cidrBounds)
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let next = 0n; // first address not yet covered
  for (const interval of intervals) {
    if (interval.first > next) return false;
    if (interval.last + 1n > next) next = interval.last + 1n;
    if (next > last) return true;
  }
  return next > last;
}

/**
 * RULES.md "world": the CIDRs of one list whose union is the whole IPv4 or the whole
 * IPv6 space (a single `0.0.0.0/0` included). Returns every CIDR text of the covering
 * version(s) — the evidence names them all — or an empty list when the list is not world.
 */
export function worldSet(texts: readonly string[]): string[] {
  if (!mayCoverWholeSpace(texts)) return [];
  const parsed = texts.flatMap((text) => {
    const cidr = parseCidr(text);
    return cidr ? [{ text, cidr }] : [];
  });
  const result: string[] = [];
  for (const version of [4, 6] as const) {
    const ofVersion = parsed.filter((p) => p.cidr.version === version);
    if (
      ofVersion.length > 0 &&
      unionIsWholeSpace(
        ofVersion.map((p) => p.cidr),
        version,
      )
    ) {
      result.push(...ofVersion.map((p) => p.text));
    }
  }
  return [...new Set(result)];
}

/**
 * A cheap necessary condition for {@link worldSet}: the blocks of one version must add up
 * to at least the whole space (read from the prefix lengths alone, no address parsing).
 * Most lists fail it, which spares them the exact interval check.
 */
function mayCoverWholeSpace(texts: readonly string[]): boolean {
  let v4 = 0;
  let v6 = 0;
  for (const text of texts) {
    const slash = text.lastIndexOf('/');
    const prefix = slash < 0 ? Number.NaN : Number(text.slice(slash + 1));
    if (!Number.isInteger(prefix) || prefix < 0) continue;
    if (text.includes(':')) v6 += 2 ** (128 - Math.min(prefix, 128));
    else v4 += 2 ** (32 - Math.min(prefix, 32));
  }
  return v4 >= 2 ** 32 || v6 >= 2 ** 128;
}

const PRIVATE_IPV4 = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
].map((text) => parseCidr(text) as Cidr);
const PRIVATE_IPV6 = ['fc00::/7', 'fe80::/10', '::1/128'].map((text) => parseCidr(text) as Cidr);

/** RULES.md "public CIDR": not inside a private, shared, loopback or link-local block. */
export function isPublicCidr(cidr: Cidr): boolean {
  const blocks = cidr.version === 4 ? PRIVATE_IPV4 : PRIVATE_IPV6;
  return !blocks.some((block) => cidrContains(block, cidr));
}

/**
 * The world set as evidence and remediation want it: like {@link worldSet}, but only the
 * CIDRs not inside another CIDR of the list. CIDR blocks either nest or are disjoint, so
 * these are the blocks that make up the union, and each of them is needed for it
 * (`0.0.0.0/0` next to `10.0.0.0/8` gives `0.0.0.0/0` alone). Empty when the list is not world.
 */
export function minimalWorldSet(texts: readonly string[]): string[] {
  const world = worldSet(texts);
  const parsed = world.flatMap((text) => {
    const cidr = parseCidr(text);
    return cidr ? [{ text, cidr }] : [];
  });
  const kept = parsed.filter(
    (item, index) =>
      !parsed.some(
        (other, otherIndex) =>
          otherIndex !== index &&
          cidrContains(other.cidr, item.cidr) &&
          // Of two equal blocks (spelt differently) keep the first.
          (other.cidr.prefix < item.cidr.prefix || otherIndex < index),
      ),
  );
  return kept.map((item) => item.text);
}

/** An IPv6 address in its RFC 5952 text form (lower case, longest run of zero groups as `::`). */
export function formatIpv6(address: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((address >> BigInt(112 - i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
