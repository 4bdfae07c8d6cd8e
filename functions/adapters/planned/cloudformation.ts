/**
 * `scan --template FILE...`: CloudFormation templates (YAML or JSON, CDK output included)
 * → a planned snapshot. Files are joined: `Fn::ImportValue` finds the `Export` of another
 * file, and an `AWS::CloudFormation::Stack` whose template file was given (CDK's
 * `aws:asset:path`, or the file name at the end of `TemplateURL`) receives its parameters
 * from its parent.
 */
import { basename } from 'node:path';
import type { Snapshot } from '../../core/snapshot.ts';
import { FieldReader } from './cfn-fields.ts';
import { assertNoCycles } from './cfn-graph.ts';
import {
  type CfnResource,
  evaluateCondition,
  type ResolveEnv,
  resolveValue,
  type StackContext,
} from './cfn-intrinsics.ts';
import { parseTemplate } from './cfn-parse.ts';
import { MAPPERS, type MapContext } from './cfn-resources.ts';
import { DeployTimeValue, isDeployTime } from './deploy-time.ts';
import { PlannedInputError } from './errors.ts';
import { readInputFile } from './input-file.ts';
import {
  eksClusterSecurityGroupId,
  type IdKind,
  plannedId,
  standInEip,
  standInIpv6Block,
  vpcDefaultIds,
} from './planned-ids.ts';
import { PlannedInventory, type PlannedLaunch } from './planned-inventory.ts';

export interface TemplateScanOptions {
  files: readonly string[];
  /** `--parameter Key=Value`, applied to every template declaring Key (and `AWS::AccountId`-style pseudo parameters). */
  parameters: Readonly<Record<string, string>>;
  region: string;
  scannedAt: string;
}

export interface PlannedScan {
  snapshot: Snapshot;
  /** What the reader skipped or could not place, one line each (printed as notes). */
  notes: string[];
}

/** Placeholder account of planned ARNs unless `--parameter AWS::AccountId=…` names it. */
export const PLANNED_ACCOUNT_ID = '000000000000';

const REF_KIND: Record<string, IdKind> = {
  'AWS::EC2::VPC': 'vpc',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::RouteTable': 'routeTable',
  'AWS::EC2::InternetGateway': 'internetGateway',
  'AWS::EC2::EgressOnlyInternetGateway': 'egressOnlyInternetGateway',
  'AWS::EC2::NatGateway': 'natGateway',
  'AWS::EC2::TransitGateway': 'transitGateway',
  'AWS::EC2::VPCPeeringConnection': 'peering',
  'AWS::EC2::VPNGateway': 'vpnGateway',
  'AWS::EC2::SecurityGroup': 'securityGroup',
  'AWS::EC2::VPCEndpoint': 'vpcEndpoint',
  'AWS::EC2::NetworkAcl': 'networkAcl',
  'AWS::EC2::FlowLog': 'flowLog',
  'AWS::EC2::LaunchTemplate': 'launchTemplate',
  'AWS::EC2::Instance': 'instance',
  'AWS::EC2::NetworkInterface': 'networkInterface',
};

const NAME_PROPERTY: Record<string, string> = {
  'AWS::EKS::Cluster': 'Name',
  'AWS::EKS::Nodegroup': 'NodegroupName',
  'AWS::EKS::FargateProfile': 'FargateProfileName',
  'Custom::AWSCDK-EKS-Cluster': 'Config.name',
};

function stackNameOf(file: string): string {
  return basename(file)
    .replace(/\.(template\.)?(json|ya?ml|template)$/i, '')
    .replace(/\.template$/i, '');
}

class TemplateSet {
  readonly stacks: StackContext[] = [];
  private readonly qualified = new Map<StackContext, Map<string, string>>();
  private readonly props = new Map<string, Record<string, unknown>>();
  readonly eips = new Map<string, string>();
  /** Stand-in Amazon-provided IPv6 block of each VPC that asks for one (planned VPC id → block). */
  readonly ipv6Blocks = new Map<string, string>();
  readonly env: ResolveEnv;

  constructor(
    parsed: ReturnType<typeof parseTemplate>[],
    private readonly options: TemplateScanOptions,
  ) {
    for (const p of parsed) {
      this.stacks.push({
        parsed: p,
        resources: p.template.Resources as Record<string, CfnResource>,
        given: new Map(),
        conditions: new Map(),
        children: new Map(),
        stackName: stackNameOf(p.file),
      });
    }
    const seen = new Map<string, number>();
    for (const stack of this.stacks)
      for (const id of Object.keys(stack.resources)) seen.set(id, (seen.get(id) ?? 0) + 1);
    for (const stack of this.stacks) {
      const names = new Map<string, string>();
      for (const id of Object.keys(stack.resources))
        names.set(id, (seen.get(id) ?? 0) > 1 ? `${stack.stackName}.${id}` : id);
      this.qualified.set(stack, names);
    }
    let eipIndex = 0;
    for (const stack of this.stacks)
      for (const [id, resource] of Object.entries(stack.resources))
        if (resource.Type === 'AWS::EC2::EIP')
          this.eips.set(this.idOf(stack, id, 'eipAllocation'), standInEip(eipIndex++));
    for (const stack of this.stacks)
      for (const resource of Object.values(stack.resources)) {
        const p = resource.Properties ?? {};
        const vpc = (p.VpcId as { Ref?: unknown } | undefined)?.Ref;
        if (
          resource.Type === 'AWS::EC2::VPCCidrBlock' &&
          String(p.AmazonProvidedIpv6CidrBlock) === 'true' &&
          typeof vpc === 'string'
        )
          this.ipv6Blocks.set(this.idOf(stack, vpc, 'vpc'), standInIpv6Block(this.ipv6Blocks.size));
      }
    const pseudo = new Map(Object.entries(options.parameters).filter(([k]) => k.startsWith('AWS::')));
    this.env = {
      region: options.region,
      pseudo,
      exports: new Map(),
      ref: (stack, id) => this.ref(stack, id),
      getAtt: (stack, id, attribute) => this.getAtt(stack, id, attribute),
    };
  }

  idOf(stack: StackContext, logicalId: string, kind: IdKind): string {
    return plannedId(kind, this.qualified.get(stack)?.get(logicalId) ?? logicalId);
  }

  propsOf(stack: StackContext, logicalId: string): Record<string, unknown> {
    const key = `${stack.parsed.file}\u0000${logicalId}`;
    let props = this.props.get(key);
    if (!props) {
      const resolved = resolveValue(stack.resources[logicalId]?.Properties ?? {}, stack, this.env);
      props =
        resolved !== null && typeof resolved === 'object' && !Array.isArray(resolved)
          ? (resolved as Record<string, unknown>)
          : {};
      this.props.set(key, props);
    }
    return props;
  }

  /** What a resource is called: its planned id, or the name its type takes from a property. */
  nameOf(stack: StackContext, logicalId: string): unknown {
    const type = stack.resources[logicalId]?.Type ?? '';
    const nameProperty = NAME_PROPERTY[type];
    if (nameProperty) {
      const props = this.propsOf(stack, logicalId);
      const name =
        type === 'Custom::AWSCDK-EKS-Cluster'
          ? (props.Config as { name?: unknown } | undefined)?.name
          : props[nameProperty];
      return name ?? this.qualified.get(stack)?.get(logicalId) ?? logicalId;
    }
    const kind = REF_KIND[type];
    return kind ? this.idOf(stack, logicalId, kind) : undefined;
  }

  private ref(stack: StackContext, logicalId: string): unknown {
    const type = stack.resources[logicalId]?.Type ?? '';
    if (type === 'AWS::EC2::EIP') return this.eips.get(this.idOf(stack, logicalId, 'eipAllocation'));
    return (
      this.nameOf(stack, logicalId) ?? new DeployTimeValue(`Ref ${logicalId} (${type}, known at deployment)`)
    );
  }

  private getAtt(stack: StackContext, logicalId: string, attribute: string): unknown {
    const type = stack.resources[logicalId]?.Type ?? '';
    const props = () => this.propsOf(stack, logicalId);
    const id = () => this.nameOf(stack, logicalId);
    switch (`${type}.${attribute}`) {
      case 'AWS::EC2::VPC.CidrBlock':
      case 'AWS::EC2::Subnet.CidrBlock':
      case 'AWS::EC2::Subnet.AvailabilityZone':
      case 'AWS::EC2::Subnet.VpcId':
      case 'AWS::EC2::SecurityGroup.VpcId':
      case 'AWS::EKS::Nodegroup.ClusterName':
        return props()[attribute];
      case 'AWS::EC2::VPC.VpcId':
      case 'AWS::EC2::Subnet.SubnetId':
      case 'AWS::EC2::SecurityGroup.GroupId':
      case 'AWS::EC2::RouteTable.RouteTableId':
      case 'AWS::EC2::InternetGateway.InternetGatewayId':
      case 'AWS::EC2::NatGateway.NatGatewayId':
      case 'AWS::EC2::LaunchTemplate.LaunchTemplateId':
      case 'AWS::EC2::VPCEndpoint.Id':
      case 'AWS::EC2::NetworkAcl.Id':
      case 'AWS::EC2::TransitGateway.Id':
      case 'AWS::EC2::EgressOnlyInternetGateway.Id':
      case 'AWS::EKS::Nodegroup.NodegroupName':
      case 'AWS::EKS::Cluster.Name':
        return id();
      case 'AWS::EC2::VPC.Ipv6CidrBlocks': {
        const block = this.ipv6Blocks.get(String(id()));
        return block ? [block] : undefined;
      }
      case 'AWS::EC2::VPC.DefaultSecurityGroup':
        return vpcDefaultIds(String(id())).defaultSg;
      case 'AWS::EC2::VPC.DefaultNetworkAcl':
        return vpcDefaultIds(String(id())).defaultAcl;
      case 'AWS::EC2::EIP.AllocationId':
        return this.idOf(stack, logicalId, 'eipAllocation');
      case 'AWS::EC2::EIP.PublicIp':
        return this.ref(stack, logicalId);
      case 'AWS::EKS::Cluster.ClusterSecurityGroupId':
      case 'Custom::AWSCDK-EKS-Cluster.ClusterSecurityGroupId':
        return eksClusterSecurityGroupId(this.qualified.get(stack)?.get(logicalId) ?? logicalId);
      case 'AWS::EKS::Cluster.Arn':
        return `arn:aws:eks:${this.options.region}:${this.env.pseudo.get('AWS::AccountId') ?? PLANNED_ACCOUNT_ID}:cluster/${String(id())}`;
      case 'AWS::EC2::LaunchTemplate.LatestVersionNumber':
      case 'AWS::EC2::LaunchTemplate.DefaultVersionNumber':
        return '1';
    }
    if (type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const child = stack.children.get(logicalId);
      const output = (child?.parsed.template.Outputs as Record<string, { Value?: unknown }> | undefined)?.[
        attribute.slice(8)
      ];
      if (child && output) return resolveValue(output.Value, child, this.env);
    }
    return undefined;
  }

  linkNestedStacks(): void {
    const byName = new Map(this.stacks.map((s) => [basename(s.parsed.file), s]));
    for (const parent of this.stacks) {
      for (const [logicalId, resource] of Object.entries(parent.resources)) {
        if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
        const assetPath = resource.Metadata?.['aws:asset:path'];
        const url = resource.Properties?.TemplateURL;
        const candidates = [assetPath, url]
          .filter((v): v is string => typeof v === 'string')
          .map((v) => basename(v));
        const child = candidates.map((c) => byName.get(c)).find((s) => s !== undefined);
        if (!child) {
          this.notes.push(
            `${parent.parsed.file}: nested stack ${logicalId}'s template was not given; its resources are not judged (pass it with --template)`,
          );
          continue;
        }
        parent.children.set(logicalId, child);
        const given = this.propsOf(parent, logicalId).Parameters;
        if (given && typeof given === 'object' && !isDeployTime(given))
          for (const [k, v] of Object.entries(given as Record<string, unknown>)) child.given.set(k, v);
      }
    }
  }

  applyParameters(): void {
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(this.options.parameters)) {
      if (key.startsWith('AWS::')) continue;
      let used = false;
      for (const stack of this.stacks) {
        const declared = stack.parsed.template.Parameters as Record<string, unknown> | undefined;
        if (declared && Object.hasOwn(declared, key) && !stack.given.has(key)) {
          stack.given.set(key, value);
          used = true;
        }
      }
      if (!used) unknown.push(key);
    }
    if (unknown.length > 0) {
      const declared = [
        ...new Set(this.stacks.flatMap((s) => Object.keys((s.parsed.template.Parameters as object) ?? {}))),
      ];
      throw new PlannedInputError(
        `--parameter ${unknown.join(', ')}: no given template declares ${unknown.length > 1 ? 'these parameters' : 'this parameter'} (declared: ${declared.join(', ') || 'none'})`,
      );
    }
  }

  collectExports(): void {
    for (const stack of this.stacks) {
      const outputs = (stack.parsed.template.Outputs ?? {}) as Record<
        string,
        { Value?: unknown; Export?: { Name?: unknown } }
      >;
      for (const [outputId, output] of Object.entries(outputs)) {
        if (output?.Export?.Name === undefined) continue;
        const name = resolveValue(output.Export.Name, stack, this.env);
        if (isDeployTime(name))
          this.notes.push(
            `${stack.parsed.file}: export of output ${outputId} has a name known only at deployment (${name.description}); imports of it are not joined`,
          );
        else this.env.exports.set(String(name), { stack, value: output.Value });
      }
    }
  }

  readonly notes: string[] = [];
}

/** Reads, joins and maps the templates into a planned snapshot. */
export async function readTemplates(options: TemplateScanOptions): Promise<PlannedScan> {
  if (options.files.length === 0) throw new PlannedInputError('--template needs at least one file');
  const parsed = await Promise.all(
    options.files.map(async (file) =>
      parseTemplate(file, await readInputFile(file, 'CloudFormation template')),
    ),
  );
  return mapTemplates(parsed, options);
}

/** The synchronous half of {@link readTemplates}, for parsed templates (the bench measures it apart). */
export function mapTemplates(
  parsed: ReturnType<typeof parseTemplate>[],
  options: TemplateScanOptions,
): PlannedScan {
  const set = new TemplateSet(parsed, options);
  for (const stack of set.stacks) assertNoCycles(stack);
  set.applyParameters();
  set.linkNestedStacks();
  set.collectExports();
  const accountId = set.env.pseudo.get('AWS::AccountId') ?? PLANNED_ACCOUNT_ID;
  const inventory = new PlannedInventory(options.region, accountId);
  const launchTemplates = new Map<string, PlannedLaunch>();
  const ignored = new Map<string, number>();
  const partition = options.region.startsWith('cn-')
    ? 'aws-cn'
    : options.region.startsWith('us-gov-')
      ? 'aws-us-gov'
      : 'aws';
  const work: { phase: number; run: () => void }[] = [];
  for (const stack of set.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      const mapper = MAPPERS[resource.Type];
      if (!mapper) {
        ignored.set(resource.Type, (ignored.get(resource.Type) ?? 0) + 1);
        continue;
      }
      const position = stack.parsed.positions.get(logicalId) ?? { line: 1, column: 1 };
      const location = { file: stack.parsed.file, line: position.line, column: position.column };
      work.push({
        phase: mapper.phase,
        run: () => {
          if (resource.Condition) {
            const verdict = evaluateCondition(resource.Condition, stack, set.env);
            if (verdict === false) return;
            if (isDeployTime(verdict)) {
              inventory.unknown(
                { anywhere: true },
                partOf(resource.Type),
                `whether ${logicalId} (${resource.Type}) is created: ${verdict.description}`,
              );
              return;
            }
          }
          const props = set.propsOf(stack, logicalId);
          const name = set.nameOf(stack, logicalId);
          const context: MapContext = {
            inventory,
            logicalId,
            id: typeof name === 'string' ? name : logicalId,
            props,
            location,
            read: new FieldReader(
              inventory,
              `${logicalId} (${basename(stack.parsed.file)}:${position.line})`,
              props,
            ),
            eipAddress: (allocationId) => set.eips.get(allocationId),
            launchTemplate: (idOrName) => launchTemplates.get(idOrName),
            rememberLaunchTemplate: (id, launchName, launch) => {
              launchTemplates.set(id, launch);
              if (launchName) launchTemplates.set(launchName, launch);
            },
            partition,
          };
          mapper.map(context);
        },
      });
    }
  }
  for (const phase of [0, 1, 2]) for (const item of work) if (item.phase === phase) item.run();
  for (const [vpcId, block] of set.ipv6Blocks) {
    const vpc = inventory.vpcs.get(vpcId);
    if (vpc) vpc.Ipv6CidrBlocks = [...(vpc.Ipv6CidrBlocks ?? []), block];
  }
  const notes = [...set.notes, ...inventory.notes];
  const total = [...ignored.values()].reduce((a, b) => a + b, 0);
  if (total > 0) {
    const types = [...ignored.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ×${n}`);
    notes.push(
      `ignored ${total} resource(s) of ${ignored.size} type(s) that do not affect EKS networking: ${types.slice(0, 8).join(', ')}${types.length > 8 ? ', …' : ''}`,
    );
  }
  return { snapshot: inventory.build(options.scannedAt), notes };
}

function partOf(type: string) {
  if (type.startsWith('AWS::EKS::Nodegroup')) return 'nodegroups' as const;
  if (type.startsWith('AWS::EKS::Fargate')) return 'fargateProfiles' as const;
  if (type.includes('SecurityGroup')) return 'securityGroups' as const;
  if (type.includes('NetworkAcl')) return 'networkAcls' as const;
  if (type.includes('Route') || type.includes('Gateway')) return 'routeTables' as const;
  if (type.includes('VPCEndpoint')) return 'vpcEndpoints' as const;
  if (type.includes('Subnet')) return 'subnets' as const;
  if (type.includes('FlowLog')) return 'flowLogs' as const;
  if (type.includes('EKS::Cluster')) return 'cluster' as const;
  return 'vpc' as const;
}
