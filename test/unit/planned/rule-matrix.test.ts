/**
 * For every rule a template can decide, one change to a well-built layout makes it fire,
 * and the layout fixed (as it was, or with the change's own fix) does not. Rules a template
 * cannot decide are listed with why, so that a new rule is not forgotten.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../functions/core/rules/index.ts';
import { goodLayout, scanTemplate, type Template } from './layout.ts';

type Change = (t: Template) => void;
const ref = (name: string) => ({ Ref: name });
// biome-ignore lint/suspicious/noExplicitAny: template properties are free-form JSON edited in place.
type Properties = Record<string, any>;
const props = (t: Template, id: string) => (t.Resources[id] as { Properties: Properties }).Properties;
/** `Fn::Sub` text, written with `%{Name}` so that it does not read as a JavaScript template. */
const sub = (text: string) => ({ 'Fn::Sub': text.replaceAll('%{', '${') });
const vpcConfig = (t: Template) => props(t, 'Cluster').ResourcesVpcConfig as Record<string, unknown>;
const cni = (t: Template, config: object) => {
  props(t, 'VpcCni').ConfigurationValues = JSON.stringify({ enableNetworkPolicy: 'true', ...config });
};
const nodesIn =
  (...subnets: string[]) =>
  (t: Template) => {
    props(t, 'Nodes').Subnets = subnets.map(ref);
  };
const add = (t: Template, id: string, Type: string, Properties: Record<string, unknown>) => {
  t.Resources[id] = { Type, Properties };
};
const nodeGroups = (t: Template, groups: unknown[]) => {
  props(t, 'NodeLaunchTemplate').LaunchTemplateData.SecurityGroupIds = groups;
};
const ingress = (t: Template, id: string, rule: Record<string, unknown>) =>
  add(t, id, 'AWS::EC2::SecurityGroupIngress', rule);
const nodeSecurityGroup = (t: Template) => {
  add(t, 'NodeSecurityGroup', 'AWS::EC2::SecurityGroup', { GroupDescription: 'nodes', VpcId: ref('VPC') });
  nodeGroups(t, [ref('NodeSecurityGroup')]);
};
const hybrid = (t: Template, nodes: string) => {
  props(t, 'Cluster').RemoteNetworkConfig = { RemoteNodeNetworks: [{ Cidrs: [nodes] }] };
};
const ipv6 = (t: Template) => {
  props(t, 'Cluster').KubernetesNetworkConfig = { IpFamily: 'ipv6' };
};
const withIpv6Subnets = (assign: boolean) => (t: Template) => {
  ipv6(t);
  add(t, 'Ipv6Block', 'AWS::EC2::VPCCidrBlock', { VpcId: ref('VPC'), AmazonProvidedIpv6CidrBlock: true });
  ['PublicSubnet01', 'PublicSubnet02', 'PrivateSubnet01', 'PrivateSubnet02'].forEach((id, i) => {
    props(t, id).Ipv6CidrBlock = {
      'Fn::Select': [
        i,
        { 'Fn::Cidr': [{ 'Fn::Select': [0, { 'Fn::GetAtt': ['VPC', 'Ipv6CidrBlocks'] }] }, 4, 64] },
      ],
    };
    props(t, id).AssignIpv6AddressOnCreation = assign;
  });
};
const isolatePrivateSubnets = (t: Template) => {
  delete t.Resources.PrivateRoute;
};
const interfaceEndpoints = (subnets: string[]) => (t: Template) => {
  isolatePrivateSubnets(t);
  for (const service of ['ec2', 'ecr.api', 'ecr.dkr', 'sts'])
    add(t, `Endpoint${service.replace('.', '')}`, 'AWS::EC2::VPCEndpoint', {
      VpcId: ref('VPC'),
      ServiceName: sub(`com.amazonaws.%{AWS::Region}.${service}`),
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      SubnetIds: subnets.map(ref),
    });
  add(t, 'EndpointS3', 'AWS::EC2::VPCEndpoint', {
    VpcId: ref('VPC'),
    ServiceName: sub('com.amazonaws.%{AWS::Region}.s3'),
    RouteTableIds: [ref('PrivateRouteTable')],
  });
};
const publicEndpointOnly = (t: Template, cidrs: unknown[]) => {
  Object.assign(vpcConfig(t), {
    EndpointPublicAccess: true,
    EndpointPrivateAccess: false,
    PublicAccessCidrs: cidrs,
  });
};

interface Case {
  fire: Change;
  /** The fix, when it is not simply leaving the change out. */
  fixed?: Change;
}

const CASES: Record<string, Case> = {
  'endpoint-public-open': {
    fire: (t) =>
      Object.assign(vpcConfig(t), { EndpointPublicAccess: true, PublicAccessCidrs: ['0.0.0.0/0'] }),
  },
  'endpoint-public-cidr-broad': {
    fire: (t) =>
      Object.assign(vpcConfig(t), { EndpointPublicAccess: true, PublicAccessCidrs: ['203.0.0.0/8'] }),
  },
  'endpoint-private-disabled': { fire: (t) => Object.assign(vpcConfig(t), { EndpointPrivateAccess: false }) },
  'endpoint-nodes-cannot-reach': {
    // The list names another Elastic IP than the NAT gateway's: the nodes' egress address is not in it.
    fire: (t) => {
      add(t, 'OfficeEip', 'AWS::EC2::EIP', { Domain: 'vpc' });
      publicEndpointOnly(t, [sub('%{OfficeEip}/32')]);
    },
    fixed: (t) => {
      add(t, 'OfficeEip', 'AWS::EC2::EIP', { Domain: 'vpc' });
      publicEndpointOnly(t, [sub('%{OfficeEip}/32'), sub('%{NatEip}/32')]);
    },
  },
  'endpoint-private-dns-disabled': {
    fire: (t) => {
      props(t, 'VPC').EnableDnsHostnames = false;
    },
  },
  'subnet-single-az': {
    fire: (t) => {
      for (const id of ['PublicSubnet02', 'PrivateSubnet02'])
        props(t, id).AvailabilityZone = { 'Fn::Select': ['0', { 'Fn::GetAZs': '' }] };
    },
  },
  'subnet-cluster-tag-missing': {
    fire: (t) => {
      props(t, 'Cluster').Version = '1.18';
    },
  },
  'subnet-cluster-tag-conflict': {
    fire: (t) => {
      props(t, 'PrivateSubnet01').Tags.push({ Key: 'kubernetes.io/cluster/other', Value: 'owned' });
    },
  },
  'subnet-elb-tag-missing': {
    fire: (t) => {
      props(t, 'PublicSubnet01').Tags = [];
    },
  },
  'subnet-internal-elb-tag-missing': {
    fire: (t) => {
      props(t, 'PrivateSubnet01').Tags = [];
    },
  },
  'subnet-role-tag-mismatch': {
    fire: (t) => {
      props(t, 'PrivateSubnet01').Tags = [{ Key: 'kubernetes.io/role/elb', Value: '1' }];
    },
  },
  'subnet-public-ip-autoassign-disabled': {
    fire: (t) => {
      nodesIn('PublicSubnet01')(t);
      props(t, 'PublicSubnet01').MapPublicIpOnLaunch = false;
    },
    fixed: nodesIn('PublicSubnet01'),
  },
  'subnet-ip-exhaustion': {
    fire: (t) => {
      props(t, 'PrivateSubnet01').CidrBlock = '10.0.128.0/28';
    },
  },
  'subnet-isolated-missing-endpoints': {
    fire: isolatePrivateSubnets,
    fixed: interfaceEndpoints(['PrivateSubnet01', 'PrivateSubnet02']),
  },
  'fargate-public-subnet': {
    fire: (t) =>
      add(t, 'Profile', 'AWS::EKS::FargateProfile', {
        ClusterName: ref('Cluster'),
        FargateProfileName: 'apps',
        Subnets: [ref('PublicSubnet01')],
      }),
    fixed: (t) =>
      add(t, 'Profile', 'AWS::EKS::FargateProfile', {
        ClusterName: ref('Cluster'),
        FargateProfileName: 'apps',
        Subnets: [ref('PrivateSubnet01')],
      }),
  },
  'nodegroup-public-subnet': { fire: nodesIn('PublicSubnet01', 'PublicSubnet02') },
  'vpc-endpoint-az-gap': {
    fire: interfaceEndpoints(['PrivateSubnet01']),
    fixed: interfaceEndpoints(['PrivateSubnet01', 'PrivateSubnet02']),
  },
  'vpc-flow-logs-disabled': {
    fire: (t) => {
      delete t.Resources.FlowLog;
    },
  },
  'nacl-blocks-node-control-plane': {
    fire: (t) => {
      add(t, 'NodeAcl', 'AWS::EC2::NetworkAcl', { VpcId: ref('VPC') });
      add(t, 'DenyKubelet', 'AWS::EC2::NetworkAclEntry', {
        NetworkAclId: ref('NodeAcl'),
        RuleNumber: 90,
        Protocol: 6,
        RuleAction: 'deny',
        Egress: false,
        CidrBlock: '10.0.0.0/16',
        PortRange: { From: 10250, To: 10250 },
      });
      add(t, 'AllowIn', 'AWS::EC2::NetworkAclEntry', {
        NetworkAclId: ref('NodeAcl'),
        RuleNumber: 100,
        Protocol: -1,
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
      });
      add(t, 'AllowOut', 'AWS::EC2::NetworkAclEntry', {
        NetworkAclId: ref('NodeAcl'),
        RuleNumber: 100,
        Protocol: -1,
        RuleAction: 'allow',
        Egress: true,
        CidrBlock: '0.0.0.0/0',
      });
      add(t, 'NodeAclAssoc', 'AWS::EC2::SubnetNetworkAclAssociation', {
        NetworkAclId: ref('NodeAcl'),
        SubnetId: ref('PrivateSubnet01'),
      });
    },
  },
  'sg-node-to-control-plane-blocked': {
    fire: (t) => {
      nodeSecurityGroup(t);
      ingress(t, 'Kubelet', {
        GroupId: ref('NodeSecurityGroup'),
        IpProtocol: 'tcp',
        FromPort: 10250,
        ToPort: 10250,
        SourceSecurityGroupId: { 'Fn::GetAtt': ['Cluster', 'ClusterSecurityGroupId'] },
      });
    },
    fixed: (t) => {
      CASES['sg-node-to-control-plane-blocked']?.fire(t);
      ingress(t, 'Api', {
        GroupId: ref('ControlPlaneSecurityGroup'),
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: ref('NodeSecurityGroup'),
      });
    },
  },
  'sg-control-plane-to-node-blocked': {
    fire: (t) => {
      nodeSecurityGroup(t);
      ingress(t, 'Api', {
        GroupId: ref('ControlPlaneSecurityGroup'),
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: ref('NodeSecurityGroup'),
      });
    },
    fixed: (t) => {
      CASES['sg-control-plane-to-node-blocked']?.fire(t);
      ingress(t, 'Kubelet', {
        GroupId: ref('NodeSecurityGroup'),
        IpProtocol: 'tcp',
        FromPort: 10250,
        ToPort: 10250,
        SourceSecurityGroupId: ref('ControlPlaneSecurityGroup'),
      });
    },
  },
  'sg-open-ingress': {
    fire: (t) =>
      ingress(t, 'Ssh', {
        GroupId: ref('ControlPlaneSecurityGroup'),
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIp: '0.0.0.0/0',
      }),
  },
  'sg-public-cidr-broad': {
    fire: (t) =>
      ingress(t, 'Wide', {
        GroupId: ref('ControlPlaneSecurityGroup'),
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        CidrIp: '203.0.0.0/8',
      }),
  },
  'sg-node-cluster-tag': {
    fire: (t) => {
      add(t, 'NodeA', 'AWS::EC2::SecurityGroup', { GroupDescription: 'a', VpcId: ref('VPC') });
      nodeGroups(t, [
        ref('NodeA'),
        { 'Fn::GetAtt': ['Cluster', 'ClusterSecurityGroupId'] },
        ref('ControlPlaneSecurityGroup'),
      ]);
      props(t, 'ControlPlaneSecurityGroup').Tags = [{ Key: 'kubernetes.io/cluster/planned', Value: 'owned' }];
    },
    fixed: (t) => {
      add(t, 'NodeA', 'AWS::EC2::SecurityGroup', { GroupDescription: 'a', VpcId: ref('VPC') });
      nodeGroups(t, [ref('NodeA'), { 'Fn::GetAtt': ['Cluster', 'ClusterSecurityGroupId'] }]);
    },
  },
  'nodegroup-ssh-open': {
    fire: (t) => {
      props(t, 'Nodes').RemoteAccess = { Ec2SshKey: 'ops' };
    },
  },
  'node-imds-reachable-from-pods': {
    fire: (t) => {
      props(t, 'NodeLaunchTemplate').LaunchTemplateData.MetadataOptions.HttpTokens = 'optional';
    },
  },
  'cni-network-policy-disabled': {
    fire: (t) => {
      props(t, 'VpcCni').ConfigurationValues = '{}';
    },
  },
  'cni-custom-networking-no-secondary-cidr': {
    fire: (t) => cni(t, { env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' } }),
    fixed: (t) => {
      cni(t, { env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' } });
      add(t, 'PodCidr', 'AWS::EC2::VPCCidrBlock', { VpcId: ref('VPC'), CidrBlock: '100.64.0.0/16' });
    },
  },
  'cni-external-snat-without-nat': {
    fire: (t) => {
      cni(t, { env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' } });
      nodesIn('PublicSubnet01')(t);
    },
    fixed: (t) => cni(t, { env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' } }),
  },
  'cni-pod-sg-unsupported-instance': {
    fire: (t) => {
      cni(t, { env: { ENABLE_POD_ENI: 'true' } });
      props(t, 'Nodes').InstanceTypes = ['t3.large'];
    },
    fixed: (t) => cni(t, { env: { ENABLE_POD_ENI: 'true' } }),
  },
  'ipv6-subnet-no-ipv6-cidr': { fire: ipv6, fixed: withIpv6Subnets(true) },
  'ipv6-subnet-autoassign-disabled': { fire: withIpv6Subnets(false), fixed: withIpv6Subnets(true) },
  // A hybrid cluster whose remote network does not overlap the VPC is the fix.
  'hybrid-remote-cidr-overlap': {
    fire: (t) => hybrid(t, '10.0.200.0/24'),
    fixed: (t) => hybrid(t, '192.168.0.0/16'),
  },
  'hybrid-remote-unroutable': { fire: (t) => hybrid(t, '192.168.0.0/16') },
  'hybrid-cluster-sg-blocks-remote': { fire: (t) => hybrid(t, '192.168.0.0/16') },
};

/** Rules a template cannot decide, and why. */
const NOT_FROM_TEMPLATES: Record<string, string> = {
  'node-public-ip': 'self-managed, Karpenter and Auto Mode instances are launched at run time, not declared',
  'sg-cluster-self-ingress-missing':
    'EKS creates the cluster security group with its self rule; a template cannot remove it',
};

describe('every rule a template can decide fires on a broken layout and not on the fixed one', () => {
  it('the well-built layout raises no finding and judges every rule', () => {
    const scan = scanTemplate(goodLayout());

    expect(scan.ruleIds).toEqual([]);
    expect(scan.notJudged).toEqual([]);
  });

  it('covers the whole catalog', () => {
    expect([...Object.keys(CASES), ...Object.keys(NOT_FROM_TEMPLATES)].sort()).toEqual(
      RULES.map((r) => r.id).sort(),
    );
  });

  for (const [ruleId, testCase] of Object.entries(CASES)) {
    it(`${ruleId}: fires when broken, silent when fixed`, () => {
      const broken = goodLayout();
      testCase.fire(broken);
      const fixed = goodLayout();
      testCase.fixed?.(fixed);

      const fires = scanTemplate(broken);
      const silent = scanTemplate(fixed);

      expect(fires.ruleIds).toContain(ruleId);
      expect(silent.ruleIds).not.toContain(ruleId);
      expect(silent.notJudged.map((n) => n.ruleId)).not.toContain(ruleId);
    });
  }
});
