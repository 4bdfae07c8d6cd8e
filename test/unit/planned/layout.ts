/**
 * A well-built EKS layout as a CloudFormation template (the EKS guide's public + private
 * VPC, hardened): private endpoint only, flow logs, tagged subnets, a vpc-cni add-on with
 * network policy, a node group on a launch template requiring IMDSv2. Scanned as is it
 * raises no finding; each rule's test breaks one thing (and the same template fixed does
 * not fire). Written as data so that each case states only its change.
 */

import { parseTemplate } from '../../../functions/adapters/planned/cfn-parse.ts';
import { mapTemplates, type PlannedScan } from '../../../functions/adapters/planned/cloudformation.ts';
import { mergeRuleConfig } from '../../../functions/core/config.ts';
import { type EvaluationResult, evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { RULES } from '../../../functions/core/rules/index.ts';

export type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
} & Record<string, unknown>;

const ref = (name: string) => ({ Ref: name });
const az = (i: number) => ({ 'Fn::Select': [String(i), { 'Fn::GetAZs': '' }] });

function subnet(cidr: string, zone: number, publicSubnet: boolean) {
  return {
    Type: 'AWS::EC2::Subnet',
    Properties: {
      VpcId: ref('VPC'),
      CidrBlock: cidr,
      AvailabilityZone: az(zone),
      MapPublicIpOnLaunch: publicSubnet,
      Tags: [
        { Key: publicSubnet ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb', Value: '1' },
      ],
    },
  };
}

const association = (subnetId: string, table: string) => ({
  Type: 'AWS::EC2::SubnetRouteTableAssociation',
  Properties: { SubnetId: ref(subnetId), RouteTableId: ref(table) },
});

export function goodLayout(): Template {
  return structuredClone({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      VPC: {
        Type: 'AWS::EC2::VPC',
        Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true },
      },
      InternetGateway: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
      Attachment: {
        Type: 'AWS::EC2::VPCGatewayAttachment',
        Properties: { VpcId: ref('VPC'), InternetGatewayId: ref('InternetGateway') },
      },
      PublicSubnet01: subnet('10.0.0.0/20', 0, true),
      PublicSubnet02: subnet('10.0.16.0/20', 1, true),
      PrivateSubnet01: subnet('10.0.128.0/20', 0, false),
      PrivateSubnet02: subnet('10.0.144.0/20', 1, false),
      PublicRouteTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('VPC') } },
      PublicRoute: {
        Type: 'AWS::EC2::Route',
        Properties: {
          RouteTableId: ref('PublicRouteTable'),
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: ref('InternetGateway'),
        },
      },
      PrivateRouteTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('VPC') } },
      PrivateRoute: {
        Type: 'AWS::EC2::Route',
        Properties: {
          RouteTableId: ref('PrivateRouteTable'),
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: ref('NatGateway'),
        },
      },
      NatEip: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
      NatGateway: {
        Type: 'AWS::EC2::NatGateway',
        Properties: {
          SubnetId: ref('PublicSubnet01'),
          AllocationId: { 'Fn::GetAtt': ['NatEip', 'AllocationId'] },
        },
      },
      PublicAssoc01: association('PublicSubnet01', 'PublicRouteTable'),
      PublicAssoc02: association('PublicSubnet02', 'PublicRouteTable'),
      PrivateAssoc01: association('PrivateSubnet01', 'PrivateRouteTable'),
      PrivateAssoc02: association('PrivateSubnet02', 'PrivateRouteTable'),
      FlowLog: {
        Type: 'AWS::EC2::FlowLog',
        Properties: {
          ResourceId: ref('VPC'),
          ResourceType: 'VPC',
          TrafficType: 'ALL',
          LogDestinationType: 's3',
          LogDestination: 'arn:aws:s3:::flow-logs',
        },
      },
      ControlPlaneSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: { GroupDescription: 'control plane', VpcId: ref('VPC') },
      },
      Cluster: {
        Type: 'AWS::EKS::Cluster',
        Properties: {
          Name: 'planned',
          Version: '1.31',
          RoleArn: 'arn:aws:iam::111122223333:role/eks',
          ResourcesVpcConfig: {
            SubnetIds: [
              ref('PublicSubnet01'),
              ref('PublicSubnet02'),
              ref('PrivateSubnet01'),
              ref('PrivateSubnet02'),
            ],
            SecurityGroupIds: [ref('ControlPlaneSecurityGroup')],
            EndpointPublicAccess: false,
            EndpointPrivateAccess: true,
          },
        },
      },
      VpcCni: {
        Type: 'AWS::EKS::Addon',
        Properties: {
          ClusterName: ref('Cluster'),
          AddonName: 'vpc-cni',
          ConfigurationValues: '{"enableNetworkPolicy":"true"}',
        },
      },
      NodeLaunchTemplate: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: {
          LaunchTemplateData: {
            MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
          },
        },
      },
      Nodes: {
        Type: 'AWS::EKS::Nodegroup',
        Properties: {
          ClusterName: ref('Cluster'),
          NodegroupName: 'nodes',
          NodeRole: 'arn:aws:iam::111122223333:role/node',
          Subnets: [ref('PrivateSubnet01'), ref('PrivateSubnet02')],
          InstanceTypes: ['m6i.large'],
          LaunchTemplate: {
            Id: ref('NodeLaunchTemplate'),
            Version: { 'Fn::GetAtt': ['NodeLaunchTemplate', 'LatestVersionNumber'] },
          },
        },
      },
    },
  }) as Template;
}

export interface LayoutScan {
  scan: PlannedScan;
  evaluation: EvaluationResult;
  ruleIds: string[];
  notJudged: { ruleId: string; reason: string }[];
}

/** Scans a template object as `--template` would (JSON text, region eu-west-1). */
export function scanTemplate(
  template: object,
  parameters: Record<string, string> = {},
  file = 'layout.template.json',
): LayoutScan {
  const parsed = parseTemplate(file, JSON.stringify(template, null, 1));
  const scan = mapTemplates([parsed], {
    files: [file],
    parameters,
    region: 'eu-west-1',
    scannedAt: '2025-01-01T00:00:00.000Z',
  });
  const evaluation = evaluateSnapshot(scan.snapshot, RULES, mergeRuleConfig(undefined));
  return {
    scan,
    evaluation,
    ruleIds: [...new Set(evaluation.findings.map((f) => f.ruleId))].sort(),
    notJudged: evaluation.coverage.flatMap((c) => c.notJudged),
  };
}
