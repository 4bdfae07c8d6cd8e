import { notJudged, type RuleDefinition } from '../model.ts';
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
    'The vpc-cni EKS add-on configuration does not set enableNetworkPolicy to "true" (the default is off), and no cluster tag declares another policy engine (config networkPolicyEngineTagKeys; a value such as none/false/disabled declares none). Not judged when the vpc-cni settings are unknown: no vpc-cni EKS add-on (self-managed or another CNI) or an Auto Mode cluster.',
  risk: 'NetworkPolicy objects are accepted but not enforced: every pod can reach every other pod.',
  remediation:
    'Turn on vpc-cni network policy: aws eks update-addon --region {{region}} --cluster-name {{clusterName}} --addon-name vpc-cni --configuration-values \'{"enableNetworkPolicy":"true"}\' (CloudFormation: AWS::EKS::Addon ConfigurationValues; Terraform: aws_eks_addon configuration_values). If another engine enforces policies, tag the cluster: aws eks tag-resource --region {{region}} --resource-arn {{clusterArn}} --tags network-policy-engine=<engine>.',
  references: [DOCS.networkPolicy, 'Prowler eks_cluster_vpc_cni_network_policy_enforced'],
  resourceType: 'cluster',
  requires: ['cluster', 'vpcCni'],
  evaluate(ctx, config) {
    const cni = ctx.vpcCni;
    if (!cni) return notJudged(ctx.vpcCniUnknownReason ?? 'vpc-cni settings unknown');
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
