/**
 * Network ACL evaluation (RULES.md "network ACL … passes"): whether a NACL lets TCP
 * traffic of a port range through, in one direction, for every address of a peer CIDR.
 *
 * Entries are evaluated in ascending `RuleNumber`; for each (address, port) the first
 * matching entry decides. Instead of looping over addresses and ports, the still
 * undecided part of the question is kept as a list of rectangles (address interval ×
 * port interval): an `allow` entry cuts its intersection out of them, a `deny` entry
 * that touches any of them decides "blocked", and whatever is left after the last entry
 * falls to the implicit deny (`*`). A /16 peer and a 28,000-port range cost the same as
 * one address and one port.
 */
import { cidrBounds, parseCidr } from './cidr.ts';
import type { Ec2NetworkAcl, Ec2NetworkAclEntry } from './snapshot.ts';

/** Which entries of the ACL apply: `Egress: false` (ingress) or `Egress: true` (egress). */
export type NaclDirection = 'ingress' | 'egress';

/** An inclusive TCP port range (`{ from: 443, to: 443 }` is one port). */
export interface PortRange {
  from: number;
  to: number;
}

/**
 * The verdict for (direction, port range, peer CIDR): passes, or blocked with the rule
 * number of the deciding `deny` entry (`'*'` for the implicit deny, including AWS's
 * catch-all entries numbered 32767 and 32768).
 */
export type NaclVerdict = { passes: true } | { passes: false; ruleNumber: number | '*' };

/**
 * AWS lists the catch-all `*` entry of every ACL with this rule number (32767 for IPv4;
 * dual-stack ACLs print the IPv6 one as 32768): any entry numbered from here on is `*`.
 */
export const CATCH_ALL_RULE_NUMBER = 32767;

/**
 * An ACL entry that cannot be evaluated (a CIDR that does not parse, a TCP entry without
 * a port range). Thrown rather than skipped: skipping a `deny` would turn "blocked" into
 * "passes", so a rule must decline to judge instead of guessing.
 */
export class MalformedNaclEntryError extends Error {
  constructor(acl: Ec2NetworkAcl, entry: Ec2NetworkAclEntry, problem: string) {
    const direction = entry.Egress ? 'egress' : 'ingress';
    super(`network ACL ${acl.NetworkAclId} ${direction} entry ${entry.RuleNumber}: ${problem}`);
    this.name = 'MalformedNaclEntryError';
  }
}

/** An address as an integer: a `number` for IPv4 (exact, and far cheaper), a `bigint` for IPv6. */
type Addr = number | bigint;

/** One region of the question: addresses [a0, a1] × ports [p0, p1], all inclusive. */
interface Rect<A extends Addr> {
  a0: A;
  a1: A;
  p0: number;
  p1: number;
}

/** A TCP-relevant entry of one direction and one IP version, ready for intersection. */
interface PreparedEntry<A extends Addr> extends Rect<A> {
  ruleNumber: number;
  allow: boolean;
}

/** Address arithmetic of one IP version. */
interface AddrOps<A extends Addr> {
  prev(a: A): A;
  next(a: A): A;
}
const V4_OPS: AddrOps<number> = { prev: (a) => a - 1, next: (a) => a + 1 };
const V6_OPS: AddrOps<bigint> = { prev: (a) => a - 1n, next: (a) => a + 1n };

/** A parsed CIDR as an address interval of its version. */
type Interval = { version: 4; first: number; last: number } | { version: 6; first: bigint; last: bigint };

interface DirectionCache {
  v4?: PreparedEntry<number>[];
  v6?: PreparedEntry<bigint>[];
  /** Verdicts per port range (`from * 65536 + to`), then per peer CIDR text. */
  verdicts: Map<number, Map<string, NaclVerdict>>;
}

interface AclCache {
  ingress: DirectionCache;
  egress: DirectionCache;
}

/**
 * Per-ACL caches, keyed by the ACL object of the snapshot (one object per ACL id in a
 * snapshot), so that memory goes away with the snapshot and two snapshots never share
 * verdicts.
 */
const caches = new WeakMap<Ec2NetworkAcl, AclCache>();

/** Parsed CIDR texts (subnet blocks recur across ACLs and clusters); bounded, cleared when full. */
const intervals = new Map<string, Interval | null>();
const MAX_INTERVALS = 100_000;

const PASSES: NaclVerdict = { passes: true };
const ALL_PORTS = { p0: 0, p1: 65535 };

function intervalOf(text: string): Interval | undefined {
  const cached = intervals.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const cidr = parseCidr(text);
  let interval: Interval | null = null;
  if (cidr) {
    const { first, last } = cidrBounds(cidr);
    interval =
      cidr.version === 4
        ? { version: 4, first: Number(first), last: Number(last) }
        : { version: 6, first, last };
  }
  if (intervals.size >= MAX_INTERVALS) intervals.clear();
  intervals.set(text, interval);
  return interval ?? undefined;
}

/** Protocol `-1` (all) or `6` (TCP), in the spellings snapshots may carry. */
function matchesTcp(protocol: string): boolean | 'all' {
  const value = protocol.trim().toLowerCase();
  if (value === '-1' || value === 'all') return 'all';
  return value === '6' || value === 'tcp';
}

function prepare<V extends 4 | 6>(
  acl: Ec2NetworkAcl,
  direction: NaclDirection,
  version: V,
): PreparedEntry<V extends 4 ? number : bigint>[] {
  const egress = direction === 'egress';
  const prepared: PreparedEntry<Addr>[] = [];
  for (const entry of acl.Entries) {
    if (entry.Egress !== egress) continue;
    const protocol = matchesTcp(String(entry.Protocol));
    if (protocol === false) continue;
    // An IPv4 peer is matched only by CidrBlock entries, an IPv6 peer only by Ipv6CidrBlock ones.
    const text = version === 4 ? entry.CidrBlock : entry.Ipv6CidrBlock;
    if (text === undefined) {
      if (entry.CidrBlock === undefined && entry.Ipv6CidrBlock === undefined) {
        throw new MalformedNaclEntryError(acl, entry, 'no CidrBlock or Ipv6CidrBlock');
      }
      continue;
    }
    const interval = intervalOf(text);
    if (interval === undefined || interval.version !== version) {
      throw new MalformedNaclEntryError(acl, entry, `CIDR "${text}" does not parse as IPv${version}`);
    }
    let ports = ALL_PORTS;
    if (protocol !== 'all') {
      const from = entry.PortRange?.From;
      const to = entry.PortRange?.To;
      if (!Number.isInteger(from) || !Number.isInteger(to) || (from as number) > (to as number)) {
        throw new MalformedNaclEntryError(acl, entry, 'TCP entry without a valid PortRange');
      }
      ports = { p0: from as number, p1: to as number };
    }
    const action = String(entry.RuleAction).toLowerCase();
    if (action !== 'allow' && action !== 'deny') {
      throw new MalformedNaclEntryError(
        acl,
        entry,
        `RuleAction "${entry.RuleAction}" is neither allow nor deny`,
      );
    }
    prepared.push({
      ruleNumber: entry.RuleNumber,
      allow: action === 'allow',
      a0: interval.first,
      a1: interval.last,
      ...ports,
    });
  }
  return prepared.sort((x, y) => x.ruleNumber - y.ruleNumber) as PreparedEntry<
    V extends 4 ? number : bigint
  >[];
}

function cacheOf(acl: Ec2NetworkAcl): AclCache {
  let cache = caches.get(acl);
  if (!cache) {
    cache = { ingress: { verdicts: new Map() }, egress: { verdicts: new Map() } };
    caches.set(acl, cache);
  }
  return cache;
}

/** `r` minus its sub-rectangle `cut`: up to four disjoint rectangles. */
function subtract<A extends Addr>(r: Rect<A>, cut: Rect<A>, ops: AddrOps<A>, out: Rect<A>[]): void {
  if (r.a0 < cut.a0) out.push({ a0: r.a0, a1: ops.prev(cut.a0), p0: r.p0, p1: r.p1 });
  if (cut.a1 < r.a1) out.push({ a0: ops.next(cut.a1), a1: r.a1, p0: r.p0, p1: r.p1 });
  if (r.p0 < cut.p0) out.push({ a0: cut.a0, a1: cut.a1, p0: r.p0, p1: cut.p0 - 1 });
  if (cut.p1 < r.p1) out.push({ a0: cut.a0, a1: cut.a1, p0: cut.p1 + 1, p1: r.p1 });
}

function decide<A extends Addr>(
  entries: readonly PreparedEntry<A>[],
  question: Rect<A>,
  ops: AddrOps<A>,
): NaclVerdict {
  let undecided: Rect<A>[] = [question];
  for (const entry of entries) {
    const next: Rect<A>[] = [];
    for (const r of undecided) {
      // biome-ignore lint/complexity/useMathMinMax: IPv6 addresses are bigints, which Math.max refuses
      const a0 = r.a0 > entry.a0 ? r.a0 : entry.a0;
      // biome-ignore lint/complexity/useMathMinMax: IPv6 addresses are bigints, which Math.min refuses
      const a1 = r.a1 < entry.a1 ? r.a1 : entry.a1;
      const p0 = Math.max(r.p0, entry.p0);
      const p1 = Math.min(r.p1, entry.p1);
      if (a0 > a1 || p0 > p1) {
        next.push(r);
        continue;
      }
      // Some (address, port) still undecided is matched first by this entry.
      if (!entry.allow) {
        return {
          passes: false,
          ruleNumber: entry.ruleNumber >= CATCH_ALL_RULE_NUMBER ? '*' : entry.ruleNumber,
        };
      }
      subtract(r, { a0, a1, p0, p1 }, ops, next);
    }
    if (next.length === 0) return PASSES;
    undecided = next;
  }
  return { passes: false, ruleNumber: '*' };
}

/**
 * Whether `acl` passes TCP traffic on every port of `ports`, in `direction`, for every
 * address of `peerCidr` (the remote side: the destination for egress, the source for
 * ingress). Memoised per (ACL, direction, port range, CIDR).
 *
 * @throws MalformedNaclEntryError when an entry that could match cannot be read.
 * @throws Error when `peerCidr` or `ports` are not valid.
 */
export function naclVerdict(
  acl: Ec2NetworkAcl,
  direction: NaclDirection,
  ports: PortRange,
  peerCidr: string,
): NaclVerdict {
  const cache = cacheOf(acl)[direction];
  const portKey = ports.from * 65536 + ports.to;
  let byPeer = cache.verdicts.get(portKey);
  if (!byPeer) {
    if (!Number.isInteger(ports.from) || !Number.isInteger(ports.to) || ports.from > ports.to) {
      throw new Error(`invalid port range ${ports.from}-${ports.to}`);
    }
    byPeer = new Map();
    cache.verdicts.set(portKey, byPeer);
  }
  const cached = byPeer.get(peerCidr);
  if (cached) return cached;
  const peer = intervalOf(peerCidr);
  if (peer === undefined) throw new Error(`peer CIDR "${peerCidr}" does not parse`);
  let verdict: NaclVerdict;
  if (peer.version === 4) {
    cache.v4 ??= prepare(acl, direction, 4);
    verdict = decide(cache.v4, { a0: peer.first, a1: peer.last, p0: ports.from, p1: ports.to }, V4_OPS);
  } else {
    cache.v6 ??= prepare(acl, direction, 6);
    verdict = decide(cache.v6, { a0: peer.first, a1: peer.last, p0: ports.from, p1: ports.to }, V6_OPS);
  }
  byPeer.set(peerCidr, verdict);
  return verdict;
}

/**
 * A rule number for a new `allow` entry that takes effect for a leg blocked by
 * `blockedBy`: below the deciding `deny` (the highest free number under it), or, for the
 * implicit deny, the next multiple of 10 after the highest entry of that direction.
 * Undefined when no number is free. Any allow numbered below the deciding entry works:
 * every entry before it that touches the leg is an allow.
 */
export function freeRuleNumber(
  acl: Ec2NetworkAcl,
  direction: NaclDirection,
  blockedBy: number | '*',
): number | undefined {
  const egress = direction === 'egress';
  const used = new Set(acl.Entries.filter((e) => e.Egress === egress).map((e) => e.RuleNumber));
  if (blockedBy === '*') {
    const highest = Math.max(0, ...[...used].filter((n) => n < CATCH_ALL_RULE_NUMBER));
    const next = (Math.floor(highest / 10) + 1) * 10;
    if (next < CATCH_ALL_RULE_NUMBER) return next;
    blockedBy = CATCH_ALL_RULE_NUMBER;
  }
  for (let n = blockedBy - 1; n >= 1; n--) if (!used.has(n)) return n;
  return undefined;
}
