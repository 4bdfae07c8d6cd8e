import { isAutoModeInstance, managedNodegroupOf } from '../cluster-context.ts';
import type { RuleDefinition, RuleHit } from '../model.ts';
import type { Ec2Instance } from '../snapshot.ts';
import { DOCS } from './references.ts';

/** How many instance ids the evidence lists; the count says how many there are. */
const MAX_LISTED = 20;

/** The metadata options the rule judges, as seen on one instance. */
interface SeenOptions {
  httpEndpoint: string;
  httpTokens: string | null;
  httpPutResponseHopLimit: number | null;
}

/**
 * The instance's exposure: `imdsv1` when tokens are optional (any pod, host network or
 * not, can read the node role's credentials with a plain GET), `hop-limit` when IMDSv2
 * answers beyond the host (a hop limit of 2 or more reaches pods in their own network
 * namespace), undefined when neither or when the instance cannot be judged.
 */
function exposure(instance: Ec2Instance): { kind: 'imdsv1' | 'hop-limit'; seen: SeenOptions } | undefined {
  const options = instance.MetadataOptions;
  if (options === undefined) return undefined;
  // EC2's default when the field is absent (a planned launch template) is enabled.
  const httpEndpoint = options.HttpEndpoint?.toLowerCase() ?? 'enabled';
  if (httpEndpoint !== 'enabled') return undefined;
  const httpTokens = options.HttpTokens?.toLowerCase();
  const hopLimit = options.HttpPutResponseHopLimit;
  const seen: SeenOptions = {
    httpEndpoint,
    httpTokens: httpTokens ?? null,
    httpPutResponseHopLimit: hopLimit ?? null,
  };
  if (httpTokens === 'optional') return { kind: 'imdsv1', seen };
  if (hopLimit !== undefined && hopLimit >= 2) return { kind: 'hop-limit', seen };
  return undefined;
}

const INSTANCE_FIX =
  'aws ec2 modify-instance-metadata-options --region {{region}} --instance-id {{instanceId}} --http-tokens required --http-put-response-hop-limit 1';
const HOP_FIX =
  'aws ec2 modify-instance-metadata-options --region {{region}} --instance-id {{instanceId}} --http-put-response-hop-limit 1';
const LAUNCH_TEMPLATE =
  'make it last in the launch template: CloudFormation AWS::EC2::LaunchTemplate LaunchTemplateData.MetadataOptions HttpTokens: required, HttpPutResponseHopLimit: 1; Terraform aws_launch_template metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 }';
const NODEGROUP_ROLLOUT =
  'then roll the node group onto the new version: aws eks update-nodegroup-version --region {{region}} --cluster-name {{clusterName}} --nodegroup-name {{resourceId}} --launch-template id={{launchTemplateId}},version={{launchTemplateVersion}}';
const KARPENTER =
  'Karpenter nodes: EC2NodeClass spec.metadataOptions httpTokens: required, httpPutResponseHopLimit: 1';
const PODS_NOTE =
  'Pods that need AWS credentials should use EKS Pod Identity or IRSA rather than the node role';

/**
 * Any pod that can reach the instance metadata service can take the node role's
 * credentials (ECR, EC2 ENI management, often more). IMDSv1 answers any pod; IMDSv2 with
 * a hop limit of 2 or more answers pods off the host network, which some workloads need
 * and most do not.
 */
export const nodeImdsReachableFromPods: RuleDefinition = {
  id: 'node-imds-reachable-from-pods',
  severity: 'HIGH',
  severities: ['HIGH', 'LOW'],
  title: 'Pods can reach the node instance metadata service',
  description:
    'Node instances have the metadata endpoint enabled and either HttpTokens optional (HIGH: IMDSv1) or an HttpPutResponseHopLimit of 2 or more (LOW: IMDSv2 reachable from pods off the host network). EKS Auto Mode nodes are not judged (EKS manages their metadata options), nor instances whose metadata options are unknown. One finding per managed node group, else per instance.',
  risk: "Any pod, or a compromised container, can read the node IAM role's credentials.",
  remediation: `Require IMDSv2 and keep it on the host: ${INSTANCE_FIX} (each instance in the evidence); ${LAUNCH_TEMPLATE}. ${KARPENTER}. ${PODS_NOTE}.`,
  references: [
    DOCS.iamBestPractices,
    DOCS.instanceMetadata,
    DOCS.launchTemplates,
    'Security Hub EC2.8',
    'Prowler ec2_instance_imdsv2_enabled',
  ],
  resourceType: 'nodegroup',
  requires: ['cluster', 'instances'],
  evaluate(ctx) {
    const groups = new Map<
      string,
      { nodegroupName?: string; nodes: { instance: Ec2Instance; kind: string; seen: SeenOptions }[] }
    >();
    for (const instance of ctx.nodeInstances) {
      if (isAutoModeInstance(instance)) continue;
      const found = exposure(instance);
      if (!found) continue;
      const nodegroupName = managedNodegroupOf(instance);
      const key = nodegroupName ?? instance.InstanceId;
      const group = groups.get(key) ?? {
        ...(nodegroupName !== undefined ? { nodegroupName } : {}),
        nodes: [],
      };
      group.nodes.push({ instance, ...found });
      groups.set(key, group);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([resourceId, { nodegroupName, nodes }]): RuleHit => {
        const imdsv1 = nodes.some((node) => node.kind === 'imdsv1');
        const instanceIds = nodes.map((node) => node.instance.InstanceId).sort();
        const optionsSeen = distinctOptions(nodes.map((node) => node.seen));
        const fix = imdsv1 ? INSTANCE_FIX : HOP_FIX;
        const intro = imdsv1
          ? 'Require IMDSv2 and keep it on the host'
          : 'Keep IMDSv2 on the host unless a workload off the host network needs it';
        const rollout = nodegroupName !== undefined ? `, ${NODEGROUP_ROLLOUT}` : '';
        return {
          resourceId,
          // RULES.md: the managed node group for its instances, else the instance itself.
          resourceType: nodegroupName !== undefined ? 'nodegroup' : 'instance',
          severity: imdsv1 ? 'HIGH' : 'LOW',
          evidence: {
            nodegroupName: nodegroupName ?? null,
            exposure: imdsv1 ? 'IMDSv1 (HttpTokens optional)' : 'IMDSv2 hop limit of 2 or more',
            count: instanceIds.length,
            instanceIds: instanceIds.slice(0, MAX_LISTED),
            optionsSeen,
          },
          remediationValues: { instanceId: instanceIds[0] ?? '' },
          remediation: `${intro}: ${fix} (each instance in the evidence); ${LAUNCH_TEMPLATE}${rollout}. ${KARPENTER}. ${PODS_NOTE}.`,
        };
      });
  },
};

/** The distinct option sets seen, each with how many instances showed it. */
function distinctOptions(seen: readonly SeenOptions[]): (SeenOptions & { instances: number })[] {
  const byKey = new Map<string, SeenOptions & { instances: number }>();
  for (const options of seen) {
    const key = JSON.stringify(options);
    const entry = byKey.get(key);
    if (entry) entry.instances += 1;
    else byKey.set(key, { ...options, instances: 1 });
  }
  return [...byKey.values()];
}
