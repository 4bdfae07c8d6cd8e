import { managedNodegroupOf } from '../cluster-context.ts';
import type { RuleDefinition } from '../model.ts';
import type { Ec2Instance } from '../snapshot.ts';
import { DOCS } from './references.ts';
import { subnetEvidence } from './subnet-helpers.ts';

/** How many instance ids the evidence lists; the count says how many there are. */
const MAX_LISTED = 20;

const RELAUNCH =
  'Launch these nodes without public addresses, preferably in private subnets, then replace the running ones (an address stays until the instance is replaced).';
const SUBNET_DEFAULT =
  'Subnet default: aws ec2 modify-subnet-attribute --region {{region}} --subnet-id {{resourceId}} --no-map-public-ip-on-launch (CloudFormation AWS::EC2::Subnet MapPublicIpOnLaunch: false; Terraform aws_subnet map_public_ip_on_launch = false).';
const LAUNCH_SETTINGS =
  'Self-managed nodes: launch template NetworkInterfaces AssociatePublicIpAddress: false (CloudFormation AWS::EC2::LaunchTemplate LaunchTemplateData.NetworkInterfaces; Terraform aws_launch_template network_interfaces { associate_public_ip_address = false }). Karpenter: EC2NodeClass spec.associatePublicIPAddress: false. EKS Auto Mode: NodeClass spec.advancedNetworking.associatePublicIPAddress: false.';

/**
 * A node with a public address is reachable from the internet wherever a security group
 * lets it be (NodePort ranges, kubelet, SSH). Managed node groups are left to
 * `nodegroup-public-subnet` (one finding per fix); this covers the nodes whose launch
 * settings are not visible as a node group: self-managed, Karpenter and Auto Mode.
 */
export const nodePublicIp: RuleDefinition = {
  id: 'node-public-ip',
  severity: 'LOW',
  title: 'Nodes outside managed node groups have public IPv4 addresses',
  description:
    'Node instances without the eks:nodegroup-name tag (self-managed, Karpenter, EKS Auto Mode) have a public IPv4 address in this subnet. One finding per subnet.',
  risk: 'Nodes are one security-group mistake away from the internet (kubelet, NodePorts, SSH).',
  remediation: `${RELAUNCH} ${SUBNET_DEFAULT} ${LAUNCH_SETTINGS}`,
  references: [
    DOCS.vpcRequirements,
    DOCS.ipAddressing,
    'Security Hub EC2.9',
    'Prowler ec2_instance_public_ip',
  ],
  resourceType: 'subnet',
  requires: ['cluster', 'instances', 'subnets'],
  evaluate(ctx) {
    const bySubnet = new Map<string, Ec2Instance[]>();
    for (const node of ctx.nodeInstances) {
      if (managedNodegroupOf(node) !== undefined) continue;
      if (node.PublicIpAddress === undefined || node.PublicIpAddress === '' || node.SubnetId === undefined)
        continue;
      const list = bySubnet.get(node.SubnetId) ?? [];
      list.push(node);
      bySubnet.set(node.SubnetId, list);
    }
    return [...bySubnet.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([subnetId, nodes]) => {
        const known = ctx.subnet(subnetId);
        const instanceIds = nodes.map((node) => node.InstanceId).sort();
        return {
          resourceId: subnetId,
          evidence: {
            ...(known ? subnetEvidence(ctx, known) : { subnetId }),
            mapPublicIpOnLaunch: known?.MapPublicIpOnLaunch ?? null,
            count: instanceIds.length,
            instanceIds: instanceIds.slice(0, MAX_LISTED),
          },
          // Managed node groups in a public subnet need the subnet's auto-assign to join: leave it on.
          ...(ctx.managedNodegroupSubnetIds.includes(subnetId)
            ? { remediation: `${RELAUNCH} ${LAUNCH_SETTINGS}` }
            : {}),
        };
      });
  },
};
