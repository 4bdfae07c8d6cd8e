import type { ClusterContext } from '../cluster-context.ts';
import { notJudged, type RuleDefinition } from '../model.ts';
import {
  freeRuleNumber,
  MalformedNaclEntryError,
  type NaclDirection,
  naclVerdict,
  type PortRange,
} from '../nacl.ts';
import type { Ec2Subnet } from '../snapshot.ts';
import { DOCS } from './references.ts';
import { knownSubnets, NODE_SUBNET_PARTS, subnetEvidence } from './subnet-helpers.ts';

/** Which conversation a leg belongs to. */
type NaclPath = 'nodes-to-api-server' | 'control-plane-to-kubelet' | 'nodes-to-public-endpoint';

/** One direction of one conversation, as one network ACL sees it. */
interface Leg {
  path: NaclPath;
  /** The subnet whose network ACL is crossed. */
  subnet: Ec2Subnet;
  direction: NaclDirection;
  ports: PortRange;
  /** The other end: a subnet's IPv4 block, or `0.0.0.0/0` for the public endpoint. */
  peerCidr: string;
  /** The cluster subnet of the pair, when the leg is between two subnets. */
  clusterSubnetId?: string;
}

/** What the evidence says about a blocked leg. */
interface BlockedLeg {
  path: NaclPath;
  clusterSubnetId: string | null;
  subnetId: string;
  networkAclId: string;
  direction: NaclDirection;
  ports: string;
  peerCidr: string;
  ruleNumber: number | '*';
}

const HTTPS: PortRange = { from: 443, to: 443 };
const KUBELET: PortRange = { from: 10250, to: 10250 };
const WORLD = '0.0.0.0/0';

function portsText(ports: PortRange): string {
  return ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
}

function leg(
  path: NaclPath,
  subnet: Ec2Subnet,
  direction: NaclDirection,
  ports: PortRange,
  peerCidr: string,
  clusterSubnetId?: string,
): Leg {
  return { path, subnet, direction, ports, peerCidr, ...(clusterSubnetId ? { clusterSubnetId } : {}) };
}

/**
 * The legs of RULES.md for node subnet `node`: with every other cluster subnet, both
 * directions of nodes → API server (443 out, ephemeral back) and control plane → kubelet
 * (10250 in, ephemeral back), each seen by the ACL of the subnet it leaves or enters;
 * with private endpoint access off, also the way out to the public endpoint.
 */
function legsOf(
  ctx: ClusterContext,
  node: Ec2Subnet,
  clusterSubnets: readonly Ec2Subnet[],
  ephemeral: PortRange,
): Leg[] {
  const legs: Leg[] = [];
  const n = node.CidrBlock;
  if (n === undefined) return legs;
  const api: NaclPath = 'nodes-to-api-server';
  const kubelet: NaclPath = 'control-plane-to-kubelet';
  for (const cp of clusterSubnets) {
    const c = cp.CidrBlock;
    // Same-subnet traffic never crosses its NACL; an IPv6-only subnet has no IPv4 block to check.
    if (cp.SubnetId === node.SubnetId || c === undefined) continue;
    const id = cp.SubnetId;
    legs.push(
      leg(api, node, 'egress', HTTPS, c, id),
      leg(api, cp, 'ingress', HTTPS, n, id),
      leg(api, cp, 'egress', ephemeral, n, id),
      leg(api, node, 'ingress', ephemeral, c, id),
      leg(kubelet, cp, 'egress', KUBELET, n, id),
      leg(kubelet, node, 'ingress', KUBELET, c, id),
      leg(kubelet, node, 'egress', ephemeral, c, id),
      leg(kubelet, cp, 'ingress', ephemeral, n, id),
    );
  }
  if (!ctx.endpointPrivateAccess) {
    legs.push(
      leg('nodes-to-public-endpoint', node, 'egress', HTTPS, WORLD),
      leg('nodes-to-public-endpoint', node, 'ingress', ephemeral, WORLD),
    );
  }
  return legs;
}

const CLI =
  'aws ec2 create-network-acl-entry --region {{region}} --network-acl-id {{networkAclId}} --{{direction}} --rule-number {{ruleNumber}} --protocol tcp --port-range From={{fromPort}},To={{toPort}} --cidr-block {{peerCidr}} --rule-action allow';
const IAC =
  'CloudFormation: AWS::EC2::NetworkAclEntry with NetworkAclId {{networkAclId}}, RuleNumber {{ruleNumber}}, Egress {{egress}}, Protocol 6, PortRange From {{fromPort}} To {{toPort}}, CidrBlock {{peerCidr}}, RuleAction allow; Terraform: aws_network_acl_rule with network_acl_id, rule_number, egress = {{egress}}, protocol = "tcp", from_port = {{fromPort}}, to_port = {{toPort}}, cidr_block = "{{peerCidr}}", rule_action = "allow"';

/**
 * Network ACLs are stateless: both the request and the reply of every conversation must
 * be allowed, in both subnets' ACLs. A node whose ACL drops 443 to the control plane ENIs,
 * or the ephemeral-port replies, cannot join; a control plane that cannot reach 10250
 * breaks `kubectl logs`, `exec` and webhooks served by pods.
 */
export const naclBlocksNodeControlPlane: RuleDefinition = {
  id: 'nacl-blocks-node-control-plane',
  severity: 'HIGH',
  title: 'Network ACLs block traffic between nodes and the control plane',
  description:
    'For a node subnet and a cluster subnet, a network ACL does not pass a leg of nodes → API server (TCP 443 and its ephemeral-port replies) or control plane → kubelet (TCP 10250 and its replies), in either subnet; with private endpoint access off, also 443 out to and replies in from 0.0.0.0/0. Same-subnet traffic is not checked (it never crosses the ACL).',
  risk: 'Nodes cannot register with the cluster, or kubectl logs/exec and admission webhooks fail, while security groups look correct.',
  remediation: `Allow each blocked leg listed in the evidence (network ACLs are stateless: allow the replies on the ephemeral ports too). For the first one: ${CLI}. ${IAC}.`,
  references: [DOCS.vpcRequirements, DOCS.networkAcls, DOCS.securityGroups],
  resourceType: 'subnet',
  requires: [...NODE_SUBNET_PARTS, 'networkAcls'],
  evaluate(ctx, config) {
    const vpc = ctx.vpc;
    if (!vpc) return [];
    const clusterSubnets = knownSubnets(ctx, ctx.clusterSubnetIds);
    const ephemeral: PortRange = { from: config.ephemeralPorts.from, to: config.ephemeralPorts.to };
    try {
      return knownSubnets(ctx, ctx.nodeSubnetIds).flatMap((node) => {
        const blocked: (BlockedLeg & { range: PortRange })[] = [];
        for (const leg of legsOf(ctx, node, clusterSubnets, ephemeral)) {
          // A subnet whose ACL is not in the inventory cannot be judged; its legs are skipped.
          const acl = vpc.networkAclOf(leg.subnet.SubnetId);
          if (!acl) continue;
          const verdict = naclVerdict(acl, leg.direction, leg.ports, leg.peerCidr);
          if (verdict.passes) continue;
          blocked.push({
            path: leg.path,
            clusterSubnetId: leg.clusterSubnetId ?? null,
            subnetId: leg.subnet.SubnetId,
            networkAclId: acl.NetworkAclId,
            direction: leg.direction,
            ports: portsText(leg.ports),
            range: leg.ports,
            peerCidr: leg.peerCidr,
            ruleNumber: verdict.ruleNumber,
          });
        }
        const first = blocked[0];
        if (first === undefined) return [];
        const firstAcl = vpc.networkAclOf(first.subnetId);
        const newRuleNumber = firstAcl
          ? freeRuleNumber(firstAcl, first.direction, first.ruleNumber)
          : undefined;
        return [
          {
            resourceId: node.SubnetId,
            evidence: {
              ...subnetEvidence(ctx, node),
              networkAclId: vpc.networkAclOf(node.SubnetId)?.NetworkAclId ?? null,
              endpointPrivateAccess: ctx.endpointPrivateAccess,
              blockedLegs: blocked.map(({ range: _range, ...leg }) => leg),
            },
            remediationValues: {
              networkAclId: first.networkAclId,
              direction: first.direction,
              egress: first.direction === 'egress' ? 'true' : 'false',
              fromPort: first.range.from,
              toPort: first.range.to,
              peerCidr: first.peerCidr,
              ...(newRuleNumber !== undefined ? { ruleNumber: newRuleNumber } : {}),
            },
          },
        ];
      });
    } catch (error) {
      // A NACL entry that cannot be read could be a deny: say so rather than guess.
      if (error instanceof MalformedNaclEntryError) return notJudged(error.message);
      throw error;
    }
  },
};
