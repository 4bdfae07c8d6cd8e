import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * Without a network-policy engine, Kubernetes NetworkPolicy objects are accepted but not
 * enforced: every pod can reach every other pod. The vpc-cni can enforce them itself
 * (`enableNetworkPolicy`), or another engine (Calico, Cilium…) declared by a cluster tag.
 */
/** Values that say there is no engine: such a tag declares nothing. */
const NO_ENGINE = new Set(['', 'none', 'false', 'no', 'off', 'disabled']);

function declaresEngine(value: string | undefined): boolean {
  return value !== undefined && !NO_ENGINE.has(value.trim().toLowerCase());
}

export const cniNetworkPolicyDisabled: RuleDefinition = {
  id: 'cni-network-policy-disabled',
  severity: 'MEDIUM',
  title: 'No network-policy engine: Kubernetes NetworkPolicies are not enforced',
  description:
    'The vpc-cni add-on does not have enableNetworkPolicy set to "true" (the default is off, also when the add-on is not installed as an EKS add-on), and no cluster tag declares another policy engine (config networkPolicyEngineTagKeys; a value such as none/false/disabled declares none).',
  remediation:
    'Turn on vpc-cni network policy: aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni --configuration-values \'{"enableNetworkPolicy":"true"}\'. If another engine enforces policies, tag the cluster: aws eks tag-resource --resource-arn <cluster-arn> --tags network-policy-engine=calico.',
  references: [DOCS.networkPolicy],
  resourceType: 'cluster',
  requires: ['cluster', 'vpcCni'],
  evaluate(ctx, config) {
    const cni = ctx.vpcCni;
    if (!cni) throw new Error('vpc-cni settings are unknown');
    if (cni.enableNetworkPolicy === 'true') return [];
    const tags = ctx.cluster.tags ?? {};
    const engineTags = config.networkPolicyEngineTagKeys.filter((key) => declaresEngine(tags[key]));
    if (engineTags.length > 0) return [];
    return [
      {
        resourceId: ctx.clusterArn,
        evidence: {
          addonState: ctx.inventory.vpcCni.state,
          enableNetworkPolicy: cni.enableNetworkPolicy ?? null,
          policyEngineTagKeys: config.networkPolicyEngineTagKeys,
        },
      },
    ];
  },
};
