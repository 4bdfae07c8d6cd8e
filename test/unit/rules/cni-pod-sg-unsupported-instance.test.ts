import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { cniPodSgUnsupportedInstance } from '../../../functions/core/rules/cni-pod-sg-unsupported-instance.ts';
import type { EksNodegroup } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, managedNodegroup, runRule } from '../../fixtures/snapshot-builder.ts';

const rule = cniPodSgUnsupportedInstance;
const POD_ENI = JSON.stringify({ env: { ENABLE_POD_ENI: 'true' } });

function withNodegroups(nodegroups: EksNodegroup[], configurationValues = POD_ENI) {
  return buildSnapshot(({ cluster }) => {
    cluster.vpcCni = { state: 'installed', configurationValues };
    cluster.nodegroups = nodegroups;
  });
}

describe('cni-pod-sg-unsupported-instance', () => {
  it('fires on a node group of burstable t3 instances, listing the unsupported types', () => {
    // Arrange
    const snapshot = withNodegroups([
      managedNodegroup('ng-t3', { instanceTypes: ['m5.large', 't3.medium'] }),
    ]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'ng-t3', severity: 'MEDIUM', resourceType: 'nodegroup' });
    expect(findings[0]?.evidence.unsupportedInstanceTypes).toEqual(['t3.medium']);
  });

  it.each([
    'm4.large',
    'c4.xlarge',
    'r4.large',
    'x1.16xlarge',
    'x1e.xlarge',
    'i3.large',
    'd2.xlarge',
    'p2.xlarge',
    'g3.4xlarge',
    't4g.small',
  ])('fires for the pre-Nitro or burstable type %s', (type) => {
    expect(runRule(rule, withNodegroups([managedNodegroup('ng', { instanceTypes: [type] })]))).toHaveLength(
      1,
    );
  });

  it.each(['m5.large', 'c5.xlarge', 'r5.large', 'i3en.large', 'm6g.large', 'c7i.large'])(
    'does not fire for the supported type %s',
    (type) => {
      expect(runRule(rule, withNodegroups([managedNodegroup('ng', { instanceTypes: [type] })]))).toEqual([]);
    },
  );

  it('matches configured families exactly, and with * as a glob', () => {
    const snapshot = withNodegroups([
      managedNodegroup('ng-g3s', { instanceTypes: ['g3s.xlarge'] }),
      managedNodegroup('ng-t2', { instanceTypes: ['t2.micro'] }),
    ]);
    expect(runRule(rule, snapshot, { podSecurityGroupUnsupportedFamilies: ['g3'] })).toEqual([]);
    expect(
      runRule(rule, snapshot, { podSecurityGroupUnsupportedFamilies: ['t*'] }).map((f) => f.resourceId),
    ).toEqual(['ng-t2']);
    expect(
      runRule(rule, snapshot, { podSecurityGroupUnsupportedFamilies: ['g3*'] }).map((f) => f.resourceId),
    ).toEqual(['ng-g3s']);
  });

  it('skips node groups that do not report instance types (launch template)', () => {
    expect(runRule(rule, withNodegroups([managedNodegroup('ng-lt', { instanceTypes: undefined })]))).toEqual(
      [],
    );
  });

  it.each([
    ['off', JSON.stringify({ env: { ENABLE_POD_ENI: 'false' } })],
    ['unset', '{"enableNetworkPolicy":"true"}'],
  ])('does not fire when security groups for pods are %s', (_name, configurationValues) => {
    const snapshot = withNodegroups(
      [managedNodegroup('ng-t3', { instanceTypes: ['t3.medium'] })],
      configurationValues,
    );
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('is skipped when the node groups could not be read', () => {
    const snapshot = withNodegroups([managedNodegroup('ng-t3', { instanceTypes: ['t3.medium'] })]);
    snapshot.clusters[0]!.incomplete = ['nodegroups'];
    const result = evaluateSnapshot(snapshot, [rule], DEFAULT_RULE_CONFIG);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.skipped[0]).toMatchObject({
      reason: 'incomplete-inventory',
      missing: ['nodegroups'],
    });
  });
});
