/**
 * A bundled demo account (111122223333) used by `scan --demo`, `npm start` and the
 * local stack. Seven clusters in three regions and six VPCs, built to look like a real
 * account that grew over time; together they trip every rule of the catalog. The data
 * lives in `demo-account/`, one file per VPC.
 *
 * us-east-1
 * - `payments-prod` (VPC "platform"): the well-run cluster. Private endpoint, public
 *   endpoint restricted to the office range, nodes with IMDSv2 (hop limit 1) in tagged
 *   private subnets in three AZs, network policies on, flow logs. One subnet is running
 *   low on addresses (MEDIUM `subnet-ip-exhaustion`), its only finding.
 * - `checkout-staging` (same VPC): created by hand from the console — world-open public
 *   endpoint, no private endpoint, both subnets in one AZ and copied from payments-prod
 *   (one tagged for payments-prod only, one claimed by it), a node group in an untagged
 *   public subnet without public IPs and with SSH open to the world, t3 nodes with
 *   security groups for pods, external SNAT on that public subnet.
 * - `data-pipeline` (VPC "analytics"): a private cluster in isolated subnets without the
 *   VPC endpoints it needs (and a batch subnet in a zone no endpoint covers), DNS
 *   hostnames off, custom networking on a VPC with one CIDR block, hand-made security
 *   groups that break node ↔ control-plane traffic (two tagged SGs per node), IMDSv1 on
 *   its node group, a nearly full subnet, and a Fargate profile on a public subnet
 *   tagged for internal load balancers.
 * - `factory-hybrid` (VPC "factory"): EKS Hybrid Nodes for on-premises racks. The
 *   remote pod network contains the service CIDR, one control-plane subnet has no
 *   transit-gateway route to the racks, the cluster SGs let nothing out to the kubelets
 *   on premises, and the node subnets' network ACL denies the kubelet port.
 *
 * eu-west-1
 * - `analytics-eu` (VPC "eu-main"): public endpoint only, restricted to CIDRs (one of
 *   them broad) that do not include the NAT gateway's address, so the nodes cannot
 *   reach it; HTTPS open to the world on the cluster SG; Calico instead of the vpc-cni
 *   add-on (`cni-*` not judged). Karpenter launches Spark nodes with IMDS hop limit 2,
 *   some in a public subnet tagged for discovery by mistake, with public IPs.
 * - `storefront-auto` (VPC "eu-web"): EKS Auto Mode, quick-created in public subnets.
 *   Public endpoint "restricted" to 0.0.0.0/1 + 128.0.0.0/1 (the whole internet), nodes
 *   with public IPs, a node SG open to all of 52.0.0.0/8, no flow log. `cni-*` are not
 *   judged (no vpc-cni add-on), nor are its nodes' SG tags and metadata options.
 *
 * us-west-2
 * - `edge-ipv6` (VPC "edge"): an IPv6 cluster in a dual-stack VPC; one cluster subnet
 *   has no IPv6 block, one node subnet does not auto-assign IPv6 addresses.
 *
 * Everything here is data in the snapshot format; it never touches AWS.
 */
import type { Snapshot } from '../core/snapshot.ts';
import { DEMO_ACCOUNT_ID } from './demo-account/builders.ts';
import { analyticsEu, euMainVpc } from './demo-account/eu-west-1-main.ts';
import { euWebVpc, storefrontAuto } from './demo-account/eu-west-1-web.ts';
import { analyticsVpc, dataPipeline } from './demo-account/us-east-1-analytics.ts';
import { factoryHybrid, factoryVpc } from './demo-account/us-east-1-factory.ts';
import { checkoutStaging, paymentsProd, platformVpc } from './demo-account/us-east-1-platform.ts';
import { edgeIpv6, edgeVpc } from './demo-account/us-west-2-edge.ts';

export { DEMO_ACCOUNT_ID };

/** The demo account's snapshot, as the collector would have produced it. */
export const DEMO_SNAPSHOT: Snapshot = {
  schemaVersion: 1,
  scannedAt: '2026-01-15T09:30:00.000Z',
  accountId: DEMO_ACCOUNT_ID,
  regions: ['us-east-1', 'eu-west-1', 'us-west-2'],
  clusters: [
    paymentsProd,
    checkoutStaging,
    dataPipeline,
    factoryHybrid,
    analyticsEu,
    storefrontAuto,
    edgeIpv6,
  ],
  vpcs: [platformVpc, analyticsVpc, factoryVpc, euMainVpc, euWebVpc, edgeVpc],
  errors: [],
};

/** A deep copy of the demo snapshot, safe to mutate. */
export function demoSnapshot(): Snapshot {
  return structuredClone(DEMO_SNAPSHOT);
}
