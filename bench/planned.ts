/**
 * The planned-infrastructure figure: a 5,000-resource CloudFormation template (CDK-style
 * JSON: 20 clusters, each with its VPC, subnets, routes, NAT gateways, security groups
 * and rules, endpoints, NACL entries, node groups) scanned the way `scan --template`
 * does (read, parse with positions, resolve intrinsics, map, evaluate the catalog),
 * against `JSON.parse` of the same text, as live snapshots are measured. Run alone with
 * `tsx bench/planned.ts`; `run.ts` includes it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readTemplates } from '../functions/adapters/planned/cloudformation.ts';
import { DEFAULT_RULE_CONFIG } from '../functions/core/config.ts';
import { evaluateSnapshot } from '../functions/core/evaluate.ts';
import { RULES } from '../functions/core/rules/index.ts';

export interface PlannedResult {
  resources: number;
  bytes: number;
  clusters: number;
  findings: number;
  /** Whole scan: read, parse, resolve, map, evaluate (median). */
  scanMs: number;
  /** `JSON.parse` of the same text (median). */
  parseMs: number;
  scanToParse: number;
  /** The target: under 2 s on this machine. */
  meetsTarget: boolean;
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const ref = (name: string) => ({ Ref: name });

function cluster(resources: Resources, c: number): void {
  const p = (name: string) => `C${c}${name}`;
  const vpc = p('Vpc');
  resources[vpc] = {
    Type: 'AWS::EC2::VPC',
    Properties: { CidrBlock: `10.${c}.0.0/16`, EnableDnsHostnames: true, EnableDnsSupport: true },
  };
  resources[p('Igw')] = { Type: 'AWS::EC2::InternetGateway', Properties: {} };
  resources[p('IgwAttach')] = {
    Type: 'AWS::EC2::VPCGatewayAttachment',
    Properties: { VpcId: ref(vpc), InternetGatewayId: ref(p('Igw')) },
  };
  const subnets: string[] = [];
  for (let s = 0; s < 24; s++) {
    const isPublic = s < 6;
    const id = p(`Subnet${s}`);
    subnets.push(id);
    resources[id] = {
      Type: 'AWS::EC2::Subnet',
      Properties: {
        VpcId: ref(vpc),
        CidrBlock: `10.${c}.${s * 8}.0/21`,
        AvailabilityZone: { 'Fn::Select': [s % 3, { 'Fn::GetAZs': '' }] },
        MapPublicIpOnLaunch: isPublic,
        Tags: [
          { Key: isPublic ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb', Value: '1' },
          { Key: 'Name', Value: { 'Fn::Sub': `\${AWS::StackName}-${id}` } },
        ],
      },
    };
    const table = p(`Rtb${s}`);
    resources[table] = { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref(vpc) } };
    resources[p(`Assoc${s}`)] = {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: ref(id), RouteTableId: ref(table) },
    };
    resources[p(`Route${s}`)] = {
      Type: 'AWS::EC2::Route',
      Properties: {
        RouteTableId: ref(table),
        DestinationCidrBlock: '0.0.0.0/0',
        ...(isPublic ? { GatewayId: ref(p('Igw')) } : { NatGatewayId: ref(p(`Nat${s % 3}`)) }),
      },
    };
  }
  for (let n = 0; n < 3; n++) {
    resources[p(`Eip${n}`)] = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
    resources[p(`Nat${n}`)] = {
      Type: 'AWS::EC2::NatGateway',
      Properties: {
        SubnetId: ref(p(`Subnet${n}`)),
        AllocationId: { 'Fn::GetAtt': [p(`Eip${n}`), 'AllocationId'] },
      },
    };
  }
  for (let g = 0; g < 20; g++) {
    const group = p(`Sg${g}`);
    resources[group] = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: group, VpcId: ref(vpc) },
    };
    for (let r = 0; r < 5; r++)
      resources[p(`Sg${g}In${r}`)] = {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: {
          GroupId: ref(group),
          IpProtocol: 'tcp',
          FromPort: 8000 + r,
          ToPort: 8000 + r,
          CidrIp: { 'Fn::GetAtt': [vpc, 'CidrBlock'] },
        },
      };
  }
  resources[p('Acl')] = { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: ref(vpc) } };
  for (let e = 0; e < 10; e++)
    resources[p(`AclEntry${e}`)] = {
      Type: 'AWS::EC2::NetworkAclEntry',
      Properties: {
        NetworkAclId: ref(p('Acl')),
        RuleNumber: 100 + e,
        Protocol: -1,
        RuleAction: 'allow',
        Egress: e % 2 === 0,
        CidrBlock: '0.0.0.0/0',
      },
    };
  for (const service of ['ec2', 'ecr.api', 'ecr.dkr', 'sts'])
    resources[p(`Endpoint${service.replace('.', '')}`)] = {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcId: ref(vpc),
        ServiceName: { 'Fn::Sub': `com.amazonaws.\${AWS::Region}.${service}` },
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        SubnetIds: subnets.slice(6, 9).map(ref),
      },
    };
  resources[p('Cluster')] = {
    Type: 'AWS::EKS::Cluster',
    Properties: {
      Name: `bench-${c}`,
      RoleArn: 'arn:aws:iam::111122223333:role/eks',
      ResourcesVpcConfig: {
        SubnetIds: subnets.slice(6, 12).map(ref),
        SecurityGroupIds: [ref(p('Sg0'))],
        EndpointPublicAccess: true,
        EndpointPrivateAccess: true,
        PublicAccessCidrs: ['203.0.113.0/24'],
      },
    },
  };
  resources[p('Cni')] = {
    Type: 'AWS::EKS::Addon',
    Properties: {
      ClusterName: ref(p('Cluster')),
      AddonName: 'vpc-cni',
      ConfigurationValues: '{"enableNetworkPolicy":"true"}',
    },
  };
  for (let g = 0; g < 3; g++)
    resources[p(`Nodes${g}`)] = {
      Type: 'AWS::EKS::Nodegroup',
      Properties: {
        ClusterName: ref(p('Cluster')),
        NodegroupName: `ng-${g}`,
        NodeRole: 'arn:aws:iam::111122223333:role/node',
        Subnets: subnets.slice(6 + g * 6, 12 + g * 6).map(ref),
      },
    };
}

/** A template of about `target` resources (20 clusters of ~250 each for 5,000). */
export function plannedTemplate(target = 5000): { text: string; resources: number; clusters: number } {
  const resources: Resources = {};
  let clusters = 0;
  while (Object.keys(resources).length < target) cluster(resources, clusters++);
  const text = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }, null, 1);
  return { text, resources: Object.keys(resources).length, clusters };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function measurePlanned(repetitions = 5): Promise<PlannedResult> {
  const { text, resources, clusters } = plannedTemplate();
  const file = join(mkdtempSync(join(tmpdir(), 'netguard-bench-')), 'Bench.template.json');
  writeFileSync(file, text);
  const scans: number[] = [];
  const parses: number[] = [];
  let findings = 0;
  for (let i = 0; i < repetitions; i++) {
    let start = performance.now();
    JSON.parse(text);
    parses.push(performance.now() - start);
    start = performance.now();
    const scan = await readTemplates({
      files: [file],
      parameters: {},
      region: 'eu-west-1',
      scannedAt: new Date(0).toISOString(),
    });
    findings = evaluateSnapshot(scan.snapshot, RULES, DEFAULT_RULE_CONFIG).findings.length;
    scans.push(performance.now() - start);
  }
  const scanMs = Math.round(median(scans));
  const parseMs = Math.round(median(parses) * 10) / 10;
  return {
    resources,
    bytes: Buffer.byteLength(text),
    clusters,
    findings,
    scanMs,
    parseMs,
    scanToParse: Math.round((scanMs / Math.max(parseMs, 0.1)) * 10) / 10,
    meetsTarget: scanMs < 2000,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measurePlanned().then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`));
}
