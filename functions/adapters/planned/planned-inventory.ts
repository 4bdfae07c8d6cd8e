/**
 * Assembles a planned {@link Snapshot} from resources read out of templates or plans.
 * Both readers feed it the same EC2/EKS shapes the collector produces, plus "unknowns"
 * (a part a deploy-time value leaves unknown, anchored to the resource it belongs to),
 * and it adds what AWS creates implicitly: each new VPC's main route table, default
 * network ACL and default security group, and the security group EKS creates for a new
 * cluster, all with their documented default rules.
 */
import {
  type ClusterInventory,
  type Ec2FlowLog,
  type Ec2Instance,
  type Ec2IpPermission,
  type Ec2NatGateway,
  type Ec2NetworkAcl,
  type Ec2NetworkAclEntry,
  type Ec2Route,
  type Ec2RouteTable,
  type Ec2SecurityGroup,
  type Ec2Subnet,
  type Ec2Vpc,
  type Ec2VpcEndpoint,
  type EksCluster,
  type EksFargateProfile,
  type EksNodegroup,
  type InventoryPart,
  SNAPSHOT_SCHEMA_VERSION,
  type Snapshot,
  type SourceLocation,
  VPC_INVENTORY_PARTS,
  type VpcCniAddon,
  type VpcInventory,
} from '../../core/snapshot.ts';
import { eksClusterSecurityGroupId, isStandInEip, plannedId, vpcDefaultIds } from './planned-ids.ts';
import { plannedNatUnknowns } from './planned-nat.ts';

/** Where an unknown belongs: the VPC of this resource, or one cluster. */
export type Anchor =
  | { vpcId: string }
  | { subnetId: string }
  | { routeTableId: string }
  | { groupId: string }
  | { aclId: string }
  | { cluster: string }
  | { anywhere: true };

export interface PlannedCluster {
  cluster: EksCluster;
  /** Logical name, for the planned ids of what EKS creates for it. */
  logicalName: string;
  location?: SourceLocation;
}

export interface PlannedLaunch {
  instanceType?: string;
  metadataOptions?: Ec2Instance['MetadataOptions'];
  securityGroupIds?: string[];
  location?: SourceLocation;
}

const ALL_TRAFFIC: Ec2IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

export class PlannedInventory {
  readonly vpcs = new Map<string, Ec2Vpc>();
  readonly subnets: Ec2Subnet[] = [];
  readonly routeTables = new Map<string, Ec2RouteTable>();
  readonly securityGroups = new Map<string, Ec2SecurityGroup>();
  readonly endpoints: Ec2VpcEndpoint[] = [];
  readonly natGateways: Ec2NatGateway[] = [];
  readonly networkAcls = new Map<string, Ec2NetworkAcl>();
  readonly flowLogs: Ec2FlowLog[] = [];
  /** Internet gateways attached to each VPC (a route to an unattached one is a blackhole). */
  readonly attachedGateways = new Map<string, Set<string>>();
  /** VPCs whose main route table or default ACL the input replaces (Terraform's `aws_default_*`). */
  readonly replacedDefaults = new Set<string>();
  readonly clusters = new Map<string, PlannedCluster>();
  readonly nodegroups: {
    clusterName: string;
    nodegroup: EksNodegroup;
    launch?: PlannedLaunch;
    location?: SourceLocation;
  }[] = [];
  readonly fargateProfiles: { clusterName: string; profile: EksFargateProfile; location?: SourceLocation }[] =
    [];
  readonly addons = new Map<string, VpcCniAddon>();
  readonly sources: Record<string, SourceLocation> = {};
  readonly notes: string[] = [];
  /** VPCs that get an Amazon-provided IPv6 block (its value is assigned at deployment). */
  readonly ipv6Vpcs = new Set<string>();
  /** Subnets whose VPC is a deploy-time value, with why. */
  readonly subnetsOutsideFiles = new Map<string, string>();
  private readonly unknowns: { anchor: Anchor; part: InventoryPart; reason: string }[] = [];
  private readonly pendingRoutes: { routeTableId: string; route: Ec2Route }[] = [];
  private readonly pendingRules: { groupId: string; egress: boolean; permission: Ec2IpPermission }[] = [];
  private readonly pendingAclEntries: { aclId: string; entry: Ec2NetworkAclEntry }[] = [];
  private readonly pendingAssociations: {
    subnetId: string;
    routeTableId?: string;
    aclId?: string;
    main?: boolean;
  }[] = [];

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  locate(id: string, location: SourceLocation | undefined): void {
    if (location && !(id in this.sources)) this.sources[id] = location;
  }

  unknown(anchor: Anchor, part: InventoryPart, reason: string): void {
    this.unknowns.push({ anchor, part, reason });
  }

  addRoute(routeTableId: string, route: Ec2Route): void {
    this.pendingRoutes.push({ routeTableId, route });
  }

  addRule(groupId: string, egress: boolean, permission: Ec2IpPermission): void {
    this.pendingRules.push({ groupId, egress, permission });
  }

  addAclEntry(aclId: string, entry: Ec2NetworkAclEntry): void {
    this.pendingAclEntries.push({ aclId, entry });
  }

  associate(subnetId: string, target: { routeTableId?: string; aclId?: string; main?: boolean }): void {
    this.pendingAssociations.push({ subnetId, ...target });
  }

  attachGateway(vpcId: string, gatewayId: string): void {
    const set = this.attachedGateways.get(vpcId) ?? new Set<string>();
    set.add(gatewayId);
    this.attachedGateways.set(vpcId, set);
  }

  private vpcOf(anchor: Anchor): string | undefined {
    if ('vpcId' in anchor) return anchor.vpcId;
    if ('subnetId' in anchor) return this.subnets.find((s) => s.SubnetId === anchor.subnetId)?.VpcId;
    if ('routeTableId' in anchor) return this.routeTables.get(anchor.routeTableId)?.VpcId;
    if ('groupId' in anchor) return this.securityGroups.get(anchor.groupId)?.VpcId;
    if ('aclId' in anchor) return this.networkAcls.get(anchor.aclId)?.VpcId;
    return undefined;
  }

  private addImplicitDefaults(): void {
    for (const vpc of this.vpcs.values()) {
      const ids = vpcDefaultIds(vpc.VpcId);
      const hasMain = [...this.routeTables.values()].some(
        (t) => t.VpcId === vpc.VpcId && t.Associations.some((a) => a.Main),
      );
      if (!hasMain) {
        // A new VPC's main table holds only the local route: subnets left on it are isolated.
        this.routeTables.set(ids.mainRouteTable, {
          RouteTableId: ids.mainRouteTable,
          VpcId: vpc.VpcId,
          Routes: [],
          Associations: [{ Main: true }],
        });
      }
      const hasDefaultAcl = [...this.networkAcls.values()].some((a) => a.VpcId === vpc.VpcId && a.IsDefault);
      if (!hasDefaultAcl) {
        // The default ACL of a new VPC allows everything both ways (rule 100), IPv6 too when the VPC has it.
        const entries: Ec2NetworkAclEntry[] = [false, true].flatMap((Egress) => [
          { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow' as const, Egress, CidrBlock: '0.0.0.0/0' },
          ...((vpc.Ipv6CidrBlocks ?? []).length > 0 || this.ipv6Vpcs.has(vpc.VpcId)
            ? [
                {
                  RuleNumber: 101,
                  Protocol: '-1',
                  RuleAction: 'allow' as const,
                  Egress,
                  Ipv6CidrBlock: '::/0',
                },
              ]
            : []),
        ]);
        this.networkAcls.set(ids.defaultAcl, {
          NetworkAclId: ids.defaultAcl,
          VpcId: vpc.VpcId,
          IsDefault: true,
          Entries: entries,
          Associations: [],
        });
      }
      if (!this.securityGroups.has(ids.defaultSg)) {
        this.securityGroups.set(ids.defaultSg, {
          GroupId: ids.defaultSg,
          GroupName: 'default',
          VpcId: vpc.VpcId,
          IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: ids.defaultSg }] }],
          IpPermissionsEgress: [ALL_TRAFFIC],
          Tags: {},
        });
      }
    }
  }

  private applyPending(): void {
    for (const { routeTableId, route } of this.pendingRoutes) {
      const table = this.routeTables.get(routeTableId);
      if (!table) continue;
      const gateway = route.GatewayId;
      if (gateway?.startsWith('igw-') && !this.attachedGateways.get(table.VpcId)?.has(gateway)) {
        // EC2 keeps a route to a detached gateway as a blackhole, which carries nothing.
        table.Routes.push({ ...route, State: 'blackhole' });
      } else table.Routes.push({ ...route, State: route.State ?? 'active' });
    }
    for (const { groupId, egress, permission } of this.pendingRules) {
      const group = this.securityGroups.get(groupId);
      if (!group) continue;
      if (egress) group.IpPermissionsEgress = [...(group.IpPermissionsEgress ?? []), permission];
      else group.IpPermissions.push(permission);
    }
    for (const { aclId, entry } of this.pendingAclEntries) this.networkAcls.get(aclId)?.Entries.push(entry);
    for (const association of this.pendingAssociations) {
      if (association.routeTableId)
        this.routeTables.get(association.routeTableId)?.Associations.push({ SubnetId: association.subnetId });
      if (association.aclId)
        this.networkAcls.get(association.aclId)?.Associations.push({ SubnetId: association.subnetId });
    }
  }

  private addEksClusterGroups(): void {
    for (const planned of this.clusters.values()) {
      const vpcId = this.clusterVpc(planned.cluster);
      const groupId = planned.cluster.resourcesVpcConfig.clusterSecurityGroupId;
      if (!vpcId || !groupId || this.securityGroups.has(groupId)) continue;
      // EKS creates it allowing all traffic from itself and to anywhere (EKS user guide, security groups).
      this.securityGroups.set(groupId, {
        GroupId: groupId,
        GroupName: `eks-cluster-sg-${planned.cluster.name}`,
        VpcId: vpcId,
        IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId }] }],
        IpPermissionsEgress: [ALL_TRAFFIC],
        Tags: {
          [`kubernetes.io/cluster/${planned.cluster.name}`]: 'owned',
          'aws:eks:cluster-name': planned.cluster.name,
        },
      });
      this.locate(groupId, planned.location);
    }
  }

  private clusterVpc(cluster: EksCluster): string | undefined {
    if (cluster.resourcesVpcConfig.vpcId) return cluster.resourcesVpcConfig.vpcId;
    for (const id of cluster.resourcesVpcConfig.subnetIds) {
      const subnet = this.subnets.find((s) => s.SubnetId === id);
      if (subnet?.VpcId) return subnet.VpcId;
    }
    return undefined;
  }

  private plannedInstances(clusterName: string, clusterSg: string | undefined): Ec2Instance[] {
    // One stand-in node per managed node group: it carries what the group's launch template
    // decides (security groups, metadata options); nothing about its address is assumed.
    return this.nodegroups
      .filter((n) => n.clusterName === clusterName)
      .map(({ nodegroup, launch, location }) => {
        const instanceId = plannedId('instance', `${clusterName}.${nodegroup.nodegroupName}`);
        this.locate(instanceId, launch?.location ?? location);
        const fromLaunch = launch?.securityGroupIds ?? [];
        return {
          InstanceId: instanceId,
          SubnetId: nodegroup.subnets[0],
          InstanceType: nodegroup.instanceTypes?.[0],
          State: 'pending',
          SecurityGroupIds: fromLaunch.length > 0 ? fromLaunch : clusterSg ? [clusterSg] : [],
          ...(launch?.metadataOptions ? { MetadataOptions: launch.metadataOptions } : {}),
          Tags: { 'eks:cluster-name': clusterName, 'eks:nodegroup-name': nodegroup.nodegroupName },
        };
      });
  }

  /** The planned snapshot, with `sources` for the report. */
  build(scannedAt: string): Snapshot {
    this.addImplicitDefaults();
    this.applyPending();
    this.addEksClusterGroups();
    const vpcInventories = new Map<string, VpcInventory>();
    for (const vpc of this.vpcs.values()) {
      vpcInventories.set(vpc.VpcId, {
        region: this.region,
        vpcId: vpc.VpcId,
        vpc,
        subnets: this.subnets.filter((s) => s.VpcId === vpc.VpcId),
        routeTables: [...this.routeTables.values()].filter((t) => t.VpcId === vpc.VpcId),
        securityGroups: [...this.securityGroups.values()].filter((g) => g.VpcId === vpc.VpcId),
        vpcEndpoints: this.endpoints.filter((e) => e.VpcId === vpc.VpcId),
        natGateways: this.natGateways.filter((n) => n.VpcId === vpc.VpcId),
        instances: [],
        networkAcls: [...this.networkAcls.values()].filter((a) => a.VpcId === vpc.VpcId),
        flowLogs: this.flowLogs.filter((f) => f.ResourceId === vpc.VpcId),
        incomplete: [],
      });
    }
    const clusterInventories = new Map<string, ClusterInventory>();
    for (const [name, planned] of this.clusters) {
      const vpcId = this.clusterVpc(planned.cluster);
      const inventory: ClusterInventory = {
        region: this.region,
        ...(vpcId ? { vpcId } : {}),
        cluster: {
          ...planned.cluster,
          resourcesVpcConfig: { ...planned.cluster.resourcesVpcConfig, ...(vpcId ? { vpcId } : {}) },
        },
        nodegroups: this.nodegroups.filter((n) => n.clusterName === name).map((n) => n.nodegroup),
        fargateProfiles: this.fargateProfiles.filter((f) => f.clusterName === name).map((f) => f.profile),
        vpcCni: this.addons.get(name) ?? { state: 'absent' },
        incomplete: [],
      };
      const vpc = vpcId ? vpcInventories.get(vpcId) : undefined;
      if (vpc)
        vpc.instances.push(
          ...this.plannedInstances(name, planned.cluster.resourcesVpcConfig.clusterSecurityGroupId),
        );
      else {
        const why =
          planned.cluster.resourcesVpcConfig.subnetIds
            .map((id) => this.subnetsOutsideFiles.get(id))
            .find((r) => r !== undefined) ??
          this.unknowns.find(
            (u) => 'cluster' in u.anchor && u.anchor.cluster === name && u.part === 'subnets',
          )?.reason;
        const reason = vpcId
          ? `the cluster's VPC ${vpcId} is not declared in the given files`
          : `the cluster's VPC is not known before deployment (${why ?? 'its subnets are not declared in the given files'})`;
        for (const part of VPC_INVENTORY_PARTS) markIncomplete(inventory, part, reason);
      }
      clusterInventories.set(name, inventory);
    }
    for (const { anchor, part, reason } of this.unknowns) {
      if ('cluster' in anchor) {
        const inventory = clusterInventories.get(anchor.cluster);
        if (inventory) markIncomplete(inventory, part, reason);
        continue;
      }
      const vpcId = 'anywhere' in anchor ? undefined : this.vpcOf(anchor);
      const targets =
        vpcId && vpcInventories.has(vpcId)
          ? [vpcInventories.get(vpcId) as VpcInventory]
          : [...vpcInventories.values()];
      for (const vpc of targets) markIncomplete(vpc, part, reason);
    }
    for (const { clusterName, part, reason } of plannedNatUnknowns(
      [...clusterInventories.values()],
      vpcInventories,
      isStandInEip,
    ))
      markIncomplete(clusterInventories.get(clusterName) as ClusterInventory, part, reason);
    return {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      scannedAt,
      accountId: this.accountId,
      regions: [this.region],
      clusters: [...clusterInventories.values()],
      vpcs: [...vpcInventories.values()],
      errors: [],
      sources: this.sources,
    };
  }
}

function markIncomplete(
  target: { incomplete: InventoryPart[]; incompleteReasons?: Partial<Record<InventoryPart, string>> },
  part: InventoryPart,
  reason: string,
): void {
  if (!target.incomplete.includes(part)) target.incomplete.push(part);
  target.incompleteReasons ??= {};
  const previous = target.incompleteReasons[part];
  if (previous === undefined) target.incompleteReasons[part] = reason;
  else if (!previous.includes(reason) && previous.split('; ').length < 3)
    target.incompleteReasons[part] = `${previous}; ${reason}`;
}

export { eksClusterSecurityGroupId };
