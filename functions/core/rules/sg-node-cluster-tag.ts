import { isAutoModeInstance } from '../cluster-context.ts';
import type { RuleDefinition } from '../model.ts';
import { DOCS } from './references.ts';

/**
 * The AWS Load Balancer Controller (and the in-tree cloud provider) pick the node SG to
 * open for load-balancer traffic by the `kubernetes.io/cluster/<cluster>` tag; with
 * several SGs on a node, exactly one must carry it or target registration fails.
 */
export const sgNodeClusterTag: RuleDefinition = {
  id: 'sg-node-cluster-tag',
  severity: 'MEDIUM',
  title: 'Node has several security groups but not exactly one tagged for the cluster',
  description:
    'A node instance has more than one security group and the number of them tagged kubernetes.io/cluster/<cluster> is not exactly one, so load balancers cannot pick the group to open for node traffic.',
  remediation:
    "Tag exactly one of the node's security groups ({{securityGroupList}}): aws ec2 create-tags --region {{region}} --resources {{groupToTag}} --tags Key=kubernetes.io/cluster/{{clusterName}},Value=owned, and remove the tag from the others with aws ec2 delete-tags --region {{region}} --resources <other-sg> --tags Key=kubernetes.io/cluster/{{clusterName}} (CloudFormation: AWS::EC2::SecurityGroup Tags; Terraform: aws_security_group tags).",
  risk: 'The load balancer controller cannot pick the security group to open for load balancer traffic, so targets stay unhealthy.',
  references: [DOCS.securityGroups, DOCS.loadBalancerController],
  resourceType: 'instance',
  requires: ['cluster', 'instances', 'securityGroups'],
  evaluate(ctx) {
    const tagKey = `kubernetes.io/cluster/${ctx.clusterName}`;
    // EKS runs load balancing for Auto Mode nodes itself.
    return ctx.nodeInstances
      .filter((node) => !isAutoModeInstance(node))
      .flatMap((node) => {
        const securityGroups = [...new Set(node.SecurityGroupIds)];
        if (securityGroups.length <= 1) return [];
        const missing = securityGroups.filter((id) => !ctx.vpc?.securityGroupsById.has(id));
        // A group missing from the inventory counts as untagged: its tags cannot be seen.
        const tagged = securityGroups.filter((id) => {
          const tags = ctx.vpc?.securityGroupsById.get(id)?.Tags;
          return tags !== undefined && Object.hasOwn(tags, tagKey);
        });
        if (tagged.length === 1) return [];
        return [
          {
            resourceId: node.InstanceId,
            evidence: { securityGroups, tagged, missing, tagKey },
            remediationValues: {
              securityGroupList: securityGroups.join(', '),
              groupToTag: tagged[0] ?? securityGroups[0] ?? '<sg>',
            },
          },
        ];
      });
  },
};
