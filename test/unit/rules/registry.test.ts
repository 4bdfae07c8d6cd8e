import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../functions/core/model.ts';
import { findRule, RULES } from '../../../functions/core/rules/index.ts';
import { INVENTORY_PARTS } from '../../../functions/core/snapshot.ts';

interface CatalogEntry {
  id: string;
  severity: Severity;
  severities: Severity[];
}

/** Copy of the catalog (RULES.md, version 2) for checkouts without `../shared`; kept equal to it by a test below. */
const EMBEDDED_CATALOG: readonly [string, string][] = [
  ['endpoint-public-open', 'HIGH'],
  ['endpoint-public-cidr-broad', 'MEDIUM'],
  ['endpoint-private-disabled', 'MEDIUM'],
  ['endpoint-nodes-cannot-reach', 'HIGH'],
  ['endpoint-private-dns-disabled', 'HIGH'],
  ['subnet-single-az', 'HIGH'],
  ['subnet-cluster-tag-missing', 'LOW'],
  ['subnet-cluster-tag-conflict', 'MEDIUM'],
  ['subnet-elb-tag-missing', 'MEDIUM'],
  ['subnet-internal-elb-tag-missing', 'LOW'],
  ['subnet-role-tag-mismatch', 'MEDIUM'],
  ['subnet-public-ip-autoassign-disabled', 'HIGH'],
  ['subnet-ip-exhaustion', 'HIGH or MEDIUM'],
  ['subnet-isolated-missing-endpoints', 'HIGH'],
  ['fargate-public-subnet', 'HIGH'],
  ['nodegroup-public-subnet', 'LOW'],
  ['node-public-ip', 'LOW'],
  ['vpc-endpoint-az-gap', 'LOW'],
  ['vpc-flow-logs-disabled', 'LOW'],
  ['nacl-blocks-node-control-plane', 'HIGH'],
  ['sg-cluster-self-ingress-missing', 'HIGH'],
  ['sg-node-to-control-plane-blocked', 'HIGH'],
  ['sg-control-plane-to-node-blocked', 'HIGH'],
  ['sg-open-ingress', 'HIGH or MEDIUM'],
  ['sg-public-cidr-broad', 'MEDIUM'],
  ['sg-node-cluster-tag', 'MEDIUM'],
  ['nodegroup-ssh-open', 'HIGH'],
  ['node-imds-reachable-from-pods', 'HIGH or LOW'],
  ['cni-network-policy-disabled', 'MEDIUM'],
  ['cni-custom-networking-no-secondary-cidr', 'LOW'],
  ['cni-external-snat-without-nat', 'HIGH'],
  ['cni-pod-sg-unsupported-instance', 'MEDIUM'],
  ['ipv6-subnet-no-ipv6-cidr', 'HIGH'],
  ['ipv6-subnet-autoassign-disabled', 'HIGH'],
  ['hybrid-remote-cidr-overlap', 'HIGH'],
  ['hybrid-remote-unroutable', 'HIGH'],
  ['hybrid-cluster-sg-blocks-remote', 'HIGH'],
];

/** "HIGH or MEDIUM" → default HIGH (the first), severities [HIGH, MEDIUM]. */
function toEntry(id: string, severityText: string): CatalogEntry {
  const severities = severityText.split(/\s+or\s+/).map((s) => s.trim() as Severity);
  return { id, severity: severities[0]!, severities };
}

/** The `| \`id\` | SEV |` rows of RULES.md, in document order. */
function parseCatalog(markdown: string): [string, string][] {
  const rows = markdown.matchAll(/^\|\s*`([a-z0-9-]+)`\s*\|\s*([A-Z]+(?:\s+or\s+[A-Z]+)*)\s*\|/gm);
  return [...rows].map((match) => [match[1]!, match[2]!]);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const rulesMdPath = path.resolve(repoRoot, '../shared/RULES.md');
const sharedCatalog = existsSync(rulesMdPath) ? parseCatalog(readFileSync(rulesMdPath, 'utf8')) : undefined;
const catalog = (sharedCatalog ?? EMBEDDED_CATALOG).map(([id, sev]) => toEntry(id, sev));

describe('rule registry', () => {
  it(`holds exactly the catalog ids in catalog order (source: ${sharedCatalog ? rulesMdPath : 'embedded copy'})`, () => {
    expect(RULES.map((rule) => rule.id)).toEqual(catalog.map((entry) => entry.id));
  });

  it('has the 37 rules of catalog v2 with unique ids', () => {
    const ids = RULES.map((rule) => rule.id);
    expect(ids).toHaveLength(37);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(catalog)('$id has the catalog default severity and severity set', (entry) => {
    const rule = findRule(entry.id);
    expect(rule).toBeDefined();
    expect(rule?.severity).toBe(entry.severity);
    expect(rule?.severities ?? [rule?.severity]).toEqual(entry.severities);
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    '%s is documented and declares what it reads',
    (_id, rule) => {
      expect(rule.title.trim()).not.toBe('');
      expect(rule.description.trim()).not.toBe('');
      expect(rule.remediation.trim()).not.toBe('');
      expect(rule.references.length).toBeGreaterThan(0);
      expect(rule.references[0]).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(rule.requires.length).toBeGreaterThan(0);
      for (const part of rule.requires) expect(INVENTORY_PARTS).toContain(part);
    },
  );

  it.skipIf(sharedCatalog === undefined)('keeps the embedded catalog copy equal to RULES.md', () => {
    expect(EMBEDDED_CATALOG).toEqual(sharedCatalog);
  });
});
