import { describe, expect, it } from 'vitest';
import { freeRuleNumber, MalformedNaclEntryError, naclVerdict } from '../../../functions/core/nacl.ts';
import type { Ec2NetworkAclEntry } from '../../../functions/core/snapshot.ts';
import { aclEntry, networkAcl } from '../../fixtures/snapshot-builder.ts';

const HTTPS = { from: 443, to: 443 };
const EPHEMERAL = { from: 32768, to: 60999 };

/** An ACL whose ingress side is exactly `entries` (egress allows everything). */
function ingressAcl(entries: Ec2NetworkAclEntry[]) {
  return networkAcl('acl-test', [], {
    Entries: [
      ...entries,
      aclEntry(32767, 'deny'),
      aclEntry(100, 'allow', { egress: true }),
      aclEntry(32767, 'deny', { egress: true }),
    ],
  });
}

describe('naclVerdict', () => {
  it('passes through an allow-all ACL like the default one', () => {
    // Arrange
    const acl = networkAcl('acl-default', []);
    // Act
    const verdict = naclVerdict(acl, 'ingress', EPHEMERAL, '10.0.1.0/24');
    // Assert
    expect(verdict).toEqual({ passes: true });
  });

  it('reports the implicit deny as * when no entry matches', () => {
    // Arrange: only SSH is allowed in
    const acl = ingressAcl([aclEntry(100, 'allow', { protocol: '6', ports: [22, 22] })]);
    // Act
    const verdict = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    // Assert: AWS's catch-all 32767 entry is the implicit deny
    expect(verdict).toEqual({ passes: false, ruleNumber: '*' });
  });

  it('reports * when an ACL has no catch-all entry and nothing matches', () => {
    // Arrange
    const acl = networkAcl('acl-bare', [], { Entries: [] });
    // Act
    const verdict = naclVerdict(acl, 'egress', HTTPS, '10.0.2.0/24');
    // Assert
    expect(verdict).toEqual({ passes: false, ruleNumber: '*' });
  });

  it('is blocked at * when an allow covers only half of the peer CIDR', () => {
    // Arrange: 10.0.1.0/25 is allowed, 10.0.1.128/25 matches nothing
    const acl = ingressAcl([
      aclEntry(100, 'allow', { protocol: '6', ports: [443, 443], cidr: '10.0.1.0/25' }),
    ]);
    // Act
    const half = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    const covered = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/25');
    // Assert
    expect(half).toEqual({ passes: false, ruleNumber: '*' });
    expect(covered).toEqual({ passes: true });
  });

  it('passes when two allows together cover the peer CIDR', () => {
    // Arrange
    const acl = ingressAcl([
      aclEntry(100, 'allow', { protocol: '6', ports: [443, 443], cidr: '10.0.1.0/25' }),
      aclEntry(110, 'allow', { protocol: '6', ports: [443, 443], cidr: '10.0.1.128/25' }),
    ]);
    // Act
    const verdict = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    // Assert
    expect(verdict).toEqual({ passes: true });
  });

  it('lets the lower-numbered deny win over a later allow, whatever the order of the list', () => {
    // Arrange: the allow is listed first but numbered after the deny
    const acl = ingressAcl([
      aclEntry(200, 'allow', { protocol: '6', ports: [443, 443] }),
      aclEntry(90, 'deny', { protocol: '6', ports: [443, 443], cidr: '10.0.1.64/26' }),
    ]);
    // Act
    const verdict = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    // Assert
    expect(verdict).toEqual({ passes: false, ruleNumber: 90 });
  });

  it('lets an allow numbered before a deny decide for the addresses it covers', () => {
    // Arrange: 100 allows the peer, 110 denies everything
    const acl = ingressAcl([
      aclEntry(110, 'deny', { protocol: '-1' }),
      aclEntry(100, 'allow', { protocol: '6', ports: [443, 443], cidr: '10.0.0.0/16' }),
    ]);
    // Act
    const inside = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    const partlyOutside = naclVerdict(acl, 'ingress', HTTPS, '10.0.0.0/15');
    // Assert
    expect(inside).toEqual({ passes: true });
    expect(partlyOutside).toEqual({ passes: false, ruleNumber: 110 });
  });

  it('treats protocol -1 as every port and every protocol, including for a deny', () => {
    // Arrange
    const allowAll = ingressAcl([aclEntry(100, 'allow', { protocol: '-1', cidr: '10.0.0.0/8' })]);
    const denyAll = ingressAcl([
      aclEntry(50, 'deny', { protocol: '-1', cidr: '10.0.1.0/24' }),
      aclEntry(100, 'allow', { protocol: '6', ports: [0, 65535] }),
    ]);
    // Act
    const allowed = naclVerdict(allowAll, 'ingress', EPHEMERAL, '10.0.1.0/24');
    const denied = naclVerdict(denyAll, 'ingress', { from: 10250, to: 10250 }, '10.0.1.16/28');
    // Assert
    expect(allowed).toEqual({ passes: true });
    expect(denied).toEqual({ passes: false, ruleNumber: 50 });
  });

  it('ignores UDP entries, allow or deny', () => {
    // Arrange: a UDP deny before the TCP allow, and a UDP allow that alone would not do
    const acl = ingressAcl([
      aclEntry(90, 'deny', { protocol: '17', ports: [0, 65535] }),
      aclEntry(100, 'allow', { protocol: '6', ports: [443, 443] }),
    ]);
    const udpOnly = ingressAcl([aclEntry(100, 'allow', { protocol: '17', ports: [0, 65535] })]);
    // Act
    const tcp = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    const udp = naclVerdict(udpOnly, 'ingress', HTTPS, '10.0.1.0/24');
    // Assert
    expect(tcp).toEqual({ passes: true });
    expect(udp).toEqual({ passes: false, ruleNumber: '*' });
  });

  it('accepts the tcp and all spellings of the protocol', () => {
    // Arrange
    const tcp = ingressAcl([aclEntry(100, 'allow', { protocol: 'tcp', ports: [443, 443] })]);
    const all = ingressAcl([aclEntry(100, 'allow', { protocol: 'all' })]);
    // Act + Assert
    expect(naclVerdict(tcp, 'ingress', HTTPS, '10.0.1.0/24')).toEqual({ passes: true });
    expect(naclVerdict(all, 'ingress', HTTPS, '10.0.1.0/24')).toEqual({ passes: true });
  });

  it('is blocked when allows cover only part of the ephemeral port range', () => {
    // Arrange: 1024-50000 allowed, 50001-60999 left to the implicit deny
    const acl = ingressAcl([aclEntry(100, 'allow', { protocol: '6', ports: [1024, 50000] })]);
    // Act
    const verdict = naclVerdict(acl, 'ingress', EPHEMERAL, '10.0.1.0/24');
    // Assert
    expect(verdict).toEqual({ passes: false, ruleNumber: '*' });
  });

  it('passes a port range covered by two allows that meet', () => {
    // Arrange
    const acl = ingressAcl([
      aclEntry(100, 'allow', { protocol: '6', ports: [1024, 50000] }),
      aclEntry(110, 'allow', { protocol: '6', ports: [50001, 65535] }),
    ]);
    // Act
    const verdict = naclVerdict(acl, 'ingress', EPHEMERAL, '10.0.1.0/24');
    // Assert
    expect(verdict).toEqual({ passes: true });
  });

  it('finds a deny that hits only a corner of address × port space left undecided by allows', () => {
    // Arrange: 100 allows half the addresses on all ports, 110 allows all addresses on low
    // ports; only (upper half, high ports) is undecided, and 120 denies part of it.
    const acl = ingressAcl([
      aclEntry(100, 'allow', { protocol: '6', ports: [0, 65535], cidr: '10.0.1.0/25' }),
      aclEntry(110, 'allow', { protocol: '6', ports: [0, 40000], cidr: '10.0.1.0/24' }),
      aclEntry(120, 'deny', { protocol: '6', ports: [60000, 60000], cidr: '10.0.1.200/32' }),
      aclEntry(130, 'allow', { protocol: '-1' }),
    ]);
    // Act
    const verdict = naclVerdict(acl, 'ingress', EPHEMERAL, '10.0.1.0/24');
    const missesCorner = naclVerdict(acl, 'ingress', EPHEMERAL, '10.0.1.0/25');
    // Assert
    expect(verdict).toEqual({ passes: false, ruleNumber: 120 });
    expect(missesCorner).toEqual({ passes: true });
  });

  it('matches an IPv4 peer only with CidrBlock entries', () => {
    // Arrange: an IPv6 allow-all would admit everything if families were mixed
    const acl = ingressAcl([aclEntry(100, 'allow', { protocol: '-1', ipv6Cidr: '::/0' })]);
    // Act
    const verdict = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    // Assert
    expect(verdict).toEqual({ passes: false, ruleNumber: '*' });
  });

  it('matches an IPv6 peer only with Ipv6CidrBlock entries', () => {
    // Arrange
    const acl = ingressAcl([
      aclEntry(90, 'deny', { protocol: '-1', cidr: '0.0.0.0/0' }),
      aclEntry(100, 'allow', { protocol: '6', ports: [443, 443], ipv6Cidr: '2600:1f18::/56' }),
    ]);
    // Act
    const verdict = naclVerdict(acl, 'ingress', HTTPS, '2600:1f18:0:1::/64');
    // Assert
    expect(verdict).toEqual({ passes: true });
  });

  it('evaluates the two directions separately', () => {
    // Arrange: ingress allows 443, egress allows nothing
    const acl = networkAcl('acl-one-way', [], {
      Entries: [
        aclEntry(100, 'allow', { protocol: '6', ports: [443, 443] }),
        aclEntry(32767, 'deny', { egress: true }),
      ],
    });
    // Act
    const ingress = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    const egress = naclVerdict(acl, 'egress', HTTPS, '10.0.1.0/24');
    // Assert
    expect(ingress).toEqual({ passes: true });
    expect(egress).toEqual({ passes: false, ruleNumber: '*' });
  });

  it('throws a clear error for an entry whose CIDR does not parse, rather than skipping a possible deny', () => {
    // Arrange
    const acl = ingressAcl([
      aclEntry(90, 'deny', { protocol: '6', ports: [443, 443], cidr: '10.0.300.0/24' }),
      aclEntry(100, 'allow', { protocol: '-1' }),
    ]);
    // Act
    const act = () => naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    // Assert
    expect(act).toThrow(MalformedNaclEntryError);
    expect(act).toThrow('network ACL acl-test ingress entry 90: CIDR "10.0.300.0/24" does not parse as IPv4');
  });

  it('throws for a TCP entry without a port range', () => {
    // Arrange
    const acl = ingressAcl([aclEntry(100, 'allow', { protocol: '6' })]);
    // Act + Assert
    expect(() => naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24')).toThrow(
      'TCP entry without a valid PortRange',
    );
  });

  it('does not trip over a malformed entry of the other direction or protocol', () => {
    // Arrange: the broken entry is UDP, so it can never match TCP traffic
    const acl = ingressAcl([
      aclEntry(90, 'deny', { protocol: '17', ports: [0, 65535], cidr: 'not-a-cidr' }),
      aclEntry(100, 'allow', { protocol: '-1' }),
    ]);
    // Act
    const verdict = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    // Assert
    expect(verdict).toEqual({ passes: true });
  });

  it('throws for a peer CIDR that does not parse', () => {
    // Arrange
    const acl = networkAcl('acl-default', []);
    // Act + Assert
    expect(() => naclVerdict(acl, 'ingress', HTTPS, 'nonsense')).toThrow(
      'peer CIDR "nonsense" does not parse',
    );
  });

  it('reports the IPv6 catch-all of a dual-stack ACL (numbered 32768) as *', () => {
    const acl = ingressAcl([
      aclEntry(101, 'allow', { protocol: '6', ports: [443, 443], ipv6Cidr: '2600:1f18::/56' }),
      aclEntry(32768, 'deny', { ipv6Cidr: '::/0' }),
    ]);
    expect(naclVerdict(acl, 'ingress', HTTPS, '2600:1f18:1:2::/64')).toEqual({
      passes: false,
      ruleNumber: '*',
    });
  });

  it('answers from its memo for the same ACL object and question', () => {
    // Arrange
    const acl = ingressAcl([aclEntry(100, 'allow', { protocol: '6', ports: [443, 443] })]);
    const first = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    // Act: a change to the entries after the first answer is not seen (snapshots are immutable)
    acl.Entries = [];
    const second = naclVerdict(acl, 'ingress', HTTPS, '10.0.1.0/24');
    // Assert
    expect(second).toBe(first);
  });
});

describe('freeRuleNumber', () => {
  it('picks the highest free number below the deciding deny', () => {
    // Arrange
    const acl = ingressAcl([
      aclEntry(99, 'allow', { protocol: '-1' }),
      aclEntry(100, 'deny', { protocol: '-1' }),
    ]);
    // Act
    const number = freeRuleNumber(acl, 'ingress', 100);
    // Assert
    expect(number).toBe(98);
  });

  it('picks the next multiple of 10 after the last entry for the implicit deny', () => {
    // Arrange: 32767 (the catch-all) does not count
    const acl = ingressAcl([
      aclEntry(100, 'allow', { protocol: '6', ports: [22, 22] }),
      aclEntry(120, 'allow', { protocol: '6', ports: [80, 80] }),
    ]);
    // Act
    const number = freeRuleNumber(acl, 'ingress', '*');
    // Assert
    expect(number).toBe(130);
  });

  it('numbers the two directions independently', () => {
    // Arrange: egress uses 100 in this ACL, ingress does not use 99
    const acl = networkAcl('acl-x', [], {
      Entries: [aclEntry(100, 'deny', { egress: false }), aclEntry(99, 'allow', { egress: true })],
    });
    // Act
    const number = freeRuleNumber(acl, 'ingress', 100);
    // Assert
    expect(number).toBe(99);
  });
});
