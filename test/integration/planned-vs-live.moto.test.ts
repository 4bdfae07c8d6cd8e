/**
 * A template scan and a live scan of the same layout give the same findings, compared by
 * rule and logical resource. The template's resources are deployed into moto through the
 * EC2 and EKS APIs, from the planned snapshot the template scan builds (moto's
 * CloudFormation knows none of the EKS types and drops VPC properties the rules read, so
 * the whole layout goes through the APIs it does emulate), keeping each planned id's real
 * id; the live findings are then mapped back to planned ids.
 */
import {
  AssociateRouteTableCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
} from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import { collectInventory } from '../../functions/adapters/inventory-collector.ts';
import { readTemplates } from '../../functions/adapters/planned/cloudformation.ts';
import { mergeRuleConfig } from '../../functions/core/config.ts';
import { evaluateSnapshot } from '../../functions/core/evaluate.ts';
import type { Finding } from '../../functions/core/model.ts';
import { RULES } from '../../functions/core/rules/index.ts';
import type { Snapshot } from '../../functions/core/snapshot.ts';
import {
  createCluster,
  createFlowLog,
  createInternetGateway,
  createNatGateway,
  createNodegroup,
  createSecurityGroup,
  createSubnet,
  createVpc,
  createVpcEndpoint,
  describeWithMoto,
  motoClients,
  uniqueName,
} from './moto.ts';

const REGION = 'eu-west-1';
const FIXTURES = 'test/fixtures/planned';

/** Deploys the planned snapshot's VPCs and clusters; returns planned id → real id. */
async function deploy(clients: ReturnType<typeof motoClients>, planned: Snapshot, suffix: string) {
  const ec2 = clients.ec2(REGION);
  const eks = clients.eks(REGION);
  const ids = new Map<string, string>();
  const real = (id: string) => ids.get(id) ?? id;
  for (const vpc of planned.vpcs) {
    const record = vpc.vpc;
    if (!record?.CidrBlock) continue;
    const vpcId = await createVpc(ec2, {
      cidr: record.CidrBlock,
      ...(record.EnableDnsHostnames !== undefined ? { enableDnsHostnames: record.EnableDnsHostnames } : {}),
      ...(record.EnableDnsSupport !== undefined ? { enableDnsSupport: record.EnableDnsSupport } : {}),
    });
    ids.set(vpc.vpcId, vpcId);
    for (const subnet of vpc.subnets)
      ids.set(
        subnet.SubnetId,
        await createSubnet(ec2, {
          vpcId,
          cidr: subnet.CidrBlock ?? '',
          availabilityZone: subnet.AvailabilityZone ?? `${REGION}a`,
          tags: subnet.Tags,
          mapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch === true,
        }),
      );
    const gateways = new Set(
      vpc.routeTables.flatMap((t) =>
        t.Routes.flatMap((r) => (r.GatewayId?.startsWith('igw-') ? [r.GatewayId] : [])),
      ),
    );
    for (const gateway of gateways) ids.set(gateway, await createInternetGateway(ec2, vpcId));
    for (const nat of vpc.natGateways)
      ids.set(nat.NatGatewayId, (await createNatGateway(ec2, real(nat.SubnetId ?? ''))).natGatewayId);
    // moto creates the main table itself, with only the local route, as EC2 does.
    for (const table of vpc.routeTables.filter((t) => !t.Associations.some((a) => a.Main))) {
      const created = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
      const tableId = created.RouteTable?.RouteTableId as string;
      ids.set(table.RouteTableId, tableId);
      for (const route of table.Routes)
        await ec2.send(
          new CreateRouteCommand({
            RouteTableId: tableId,
            DestinationCidrBlock: route.DestinationCidrBlock,
            ...(route.GatewayId ? { GatewayId: real(route.GatewayId) } : {}),
            ...(route.NatGatewayId ? { NatGatewayId: real(route.NatGatewayId) } : {}),
          }),
        );
      for (const association of table.Associations)
        if (association.SubnetId)
          await ec2.send(
            new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: real(association.SubnetId) }),
          );
    }
    // The VPC's default group and the one EKS creates are not the template's to make.
    const groups = vpc.securityGroups.filter(
      (g) => g.GroupName !== 'default' && !g.GroupId.endsWith('.eks-cluster-sg'),
    );
    for (const group of groups)
      ids.set(
        group.GroupId,
        await createSecurityGroup(ec2, { vpcId, name: `${group.GroupName}-${suffix}`, tags: group.Tags }),
      );
    for (const group of groups) {
      const ingress = group.IpPermissions.map((p) => ({
        ...p,
        ...(p.UserIdGroupPairs
          ? { UserIdGroupPairs: p.UserIdGroupPairs.map((g) => ({ GroupId: real(g.GroupId ?? '') })) }
          : {}),
      }));
      if (ingress.length === 0) continue;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: real(group.GroupId), IpPermissions: ingress }),
      );
    }
    for (const endpoint of vpc.vpcEndpoints)
      ids.set(
        endpoint.VpcEndpointId,
        await createVpcEndpoint(ec2, {
          vpcId,
          serviceName: endpoint.ServiceName,
          type: endpoint.VpcEndpointType === 'Interface' ? 'Interface' : 'Gateway',
          routeTableIds: (endpoint.RouteTableIds ?? []).map(real),
          subnetIds: (endpoint.SubnetIds ?? []).map(real),
          privateDnsEnabled: endpoint.PrivateDnsEnabled === true,
        }),
      );
    for (const flowLog of vpc.flowLogs)
      await createFlowLog(ec2, {
        resourceId: vpcId,
        resourceType: 'VPC',
        trafficType: (flowLog.TrafficType ?? 'ALL') as 'ALL',
      });
  }
  for (const inventory of planned.clusters) {
    const config = inventory.cluster.resourcesVpcConfig;
    const name = `${inventory.cluster.name}-${suffix}`;
    const arn = await createCluster(eks, {
      name,
      subnetIds: config.subnetIds.map(real),
      securityGroupIds: (config.securityGroupIds ?? []).map(real),
      ...(config.endpointPublicAccess !== undefined
        ? { endpointPublicAccess: config.endpointPublicAccess }
        : {}),
      ...(config.endpointPrivateAccess !== undefined
        ? { endpointPrivateAccess: config.endpointPrivateAccess }
        : {}),
      ...(config.publicAccessCidrs ? { publicAccessCidrs: config.publicAccessCidrs } : {}),
      ...(inventory.cluster.version ? { version: inventory.cluster.version } : {}),
    });
    ids.set(inventory.cluster.arn, arn);
    for (const nodegroup of inventory.nodegroups)
      await createNodegroup(eks, {
        clusterName: name,
        name: nodegroup.nodegroupName,
        subnetIds: nodegroup.subnets.map(real),
        ...(nodegroup.instanceTypes ? { instanceTypes: nodegroup.instanceTypes } : {}),
      });
  }
  return ids;
}

/** `ruleId resource` with the resource as its planned id. */
function byRuleAndResource(findings: readonly Finding[], toPlanned: ReadonlyMap<string, string>): string[] {
  return findings.map((f) => `${f.ruleId} ${toPlanned.get(f.resourceId) ?? f.resourceId}`).sort();
}

describeWithMoto('a template scan and a live scan of the same layout agree', (endpoint) => {
  const layouts: Record<string, { files: string[]; parameters?: Record<string, string> }> = {
    "the EKS guide's public + private VPC with a cluster stack": {
      files: [`${FIXTURES}/eks-guide-vpc-private-subnets.yaml`, `${FIXTURES}/eks-guide-cluster.yaml`],
    },
    'the fully private layout without its STS endpoint': {
      files: [`${FIXTURES}/eks-guide-fully-private.yaml`],
      parameters: { EnableStsEndpoint: 'false' },
    },
  };
  const results = new Map<string, { planned: string[]; live: string[] }>();

  beforeAll(async () => {
    const clients = motoClients(endpoint);
    for (const [name, layout] of Object.entries(layouts)) {
      const scan = await readTemplates({
        files: layout.files,
        parameters: layout.parameters ?? {},
        region: REGION,
        scannedAt: new Date().toISOString(),
      });
      const suffix = uniqueName('p').slice(2);
      const ids = await deploy(clients, scan.snapshot, suffix);
      const clusterNames = scan.snapshot.clusters.map((c) => `${c.cluster.name}-${suffix}`);
      const live = await collectInventory(clients, {
        regions: [REGION],
        clusterNames,
        now: () => new Date(),
      });
      if (live.errors.length > 0) throw new Error(`live collection failed: ${JSON.stringify(live.errors)}`);
      const toPlanned = new Map([...ids].map(([plannedId, realId]) => [realId, plannedId]));
      const config = mergeRuleConfig(undefined);
      results.set(name, {
        planned: byRuleAndResource(evaluateSnapshot(scan.snapshot, RULES, config).findings, new Map()),
        live: byRuleAndResource(evaluateSnapshot(live, RULES, config).findings, toPlanned),
      });
    }
  }, 120_000);

  for (const name of Object.keys(layouts)) {
    it(`${name}: same findings by rule and logical resource`, () => {
      const result = results.get(name);

      expect(result?.planned.length).toBeGreaterThan(0);
      expect(result?.live).toEqual(result?.planned);
    });
  }
});
