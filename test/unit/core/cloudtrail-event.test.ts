import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clusterNameFromEksArn,
  EC2_EVENT_NAMES,
  type Ec2ResourceRef,
  EKS_EVENT_NAMES,
  mapCloudTrailEvent,
  parseCloudTrailEvent,
} from '../../../functions/core/cloudtrail-event.ts';

const DIR = join(import.meta.dirname, '../../../events/cloudtrail');
const VPC = 'vpc-0a1b2c3d4e5f60001';
const SG = 'sg-0c0ffee0c0ffee001';
const SUBNET = 'subnet-0aa11bb22cc33dd01';
const RTB = 'rtb-0f1e2d3c4b5a69001';
const VPCE = 'vpce-0123456789abcdef0';
const NAT = 'nat-0a9b8c7d6e5f40001';
const ACL = 'acl-0b1c2d3e4f5a60001';

function load(file: string): unknown {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8'));
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

const sg = (id: string): Ec2ResourceRef => ({ type: 'security-group', id });
const vpc = (id: string): Ec2ResourceRef => ({ type: 'vpc', id });
const subnet = (id: string): Ec2ResourceRef => ({ type: 'subnet', id });
/** A resource the event itself places in the sample VPC: nothing to describe. */
const inVpc = (ref: Ec2ResourceRef): Ec2ResourceRef => ({ ...ref, vpcId: VPC });
const acl = (id: string): Ec2ResourceRef => ({ type: 'network-acl', id });

/** Expected EC2 targets per sample, read off the CloudTrail record by hand. */
const EC2_EXPECTED: Record<(typeof EC2_EVENT_NAMES)[number], Ec2ResourceRef[]> = {
  AuthorizeSecurityGroupIngress: [sg(SG)],
  AuthorizeSecurityGroupEgress: [sg(SG)],
  RevokeSecurityGroupIngress: [sg(SG)],
  RevokeSecurityGroupEgress: [sg(SG)],
  ModifySecurityGroupRules: [sg(SG)],
  DeleteSecurityGroup: [sg('sg-0dead0beef0dead01')],
  CreateSubnet: [vpc(VPC), inVpc(subnet('subnet-0fe1dc2ba3987601'))],
  DeleteSubnet: [subnet('subnet-0fe1dc2ba3987601')],
  ModifySubnetAttribute: [subnet(SUBNET)],
  CreateTags: [subnet(SUBNET)],
  DeleteTags: [sg(SG)],
  CreateRoute: [{ type: 'route-table', id: RTB }],
  ReplaceRoute: [{ type: 'route-table', id: RTB }],
  DeleteRoute: [{ type: 'route-table', id: RTB }],
  AssociateRouteTable: [{ type: 'route-table', id: RTB }, subnet(SUBNET)],
  DisassociateRouteTable: [{ type: 'route-table-association', id: 'rtbassoc-0a1b2c3d4e5f60718' }],
  ReplaceRouteTableAssociation: [
    { type: 'route-table', id: RTB },
    { type: 'route-table-association', id: 'rtbassoc-0a1b2c3d4e5f60719' },
  ],
  CreateVpcEndpoint: [vpc(VPC), inVpc({ type: 'vpc-endpoint', id: VPCE })],
  ModifyVpcEndpoint: [{ type: 'vpc-endpoint', id: VPCE }],
  DeleteVpcEndpoints: [
    { type: 'vpc-endpoint', id: VPCE },
    { type: 'vpc-endpoint', id: 'vpce-0fedcba9876543210' },
  ],
  CreateNatGateway: [inVpc(subnet(SUBNET)), inVpc({ type: 'nat-gateway', id: NAT }), vpc(VPC)],
  DeleteNatGateway: [{ type: 'nat-gateway', id: NAT }],
  ModifyVpcAttribute: [vpc(VPC)],
  AssociateVpcCidrBlock: [vpc(VPC)],
  DisassociateVpcCidrBlock: [
    inVpc({ type: 'vpc-cidr-association', id: 'vpc-cidr-assoc-0a1b2c3d4e5f60718' }),
    vpc(VPC),
  ],
  AttachInternetGateway: [vpc(VPC), inVpc({ type: 'internet-gateway', id: 'igw-0abc1234def567890' })],
  DetachInternetGateway: [vpc(VPC), inVpc({ type: 'internet-gateway', id: 'igw-0abc1234def567890' })],
  ModifyInstanceAttribute: [
    { type: 'instance', id: 'i-0abcdef1234567890' },
    sg(SG),
    sg('sg-0c0ffee0c0ffee002'),
  ],
  ModifyNetworkInterfaceAttribute: [{ type: 'network-interface', id: 'eni-0f0e0d0c0b0a09081' }, sg(SG)],
  RunInstances: [inVpc({ type: 'instance', id: 'i-0abcdef1234567890' }), vpc(VPC), inVpc(subnet(SUBNET))],
  CreateNetworkAclEntry: [acl(ACL)],
  ReplaceNetworkAclEntry: [acl(ACL)],
  DeleteNetworkAclEntry: [acl(ACL)],
  // The association id named is the subnet's old one, gone after the call: the new NACL says the VPC.
  ReplaceNetworkAclAssociation: [acl(ACL)],
};

describe('CloudTrail event mapping', () => {
  it('has exactly one sample per handled event', () => {
    const expected = [
      ...EKS_EVENT_NAMES.map((n) => `eks-${kebab(n)}.json`),
      ...EC2_EVENT_NAMES.map((n) => `ec2-${kebab(n)}.json`),
    ].sort();
    expect(readdirSync(DIR).sort()).toEqual(expected);
  });

  it.each(EKS_EVENT_NAMES)('maps EKS %s to the cluster it names', (eventName) => {
    // Arrange
    const parsed = parseCloudTrailEvent(load(`eks-${kebab(eventName)}.json`));
    if (!parsed.ok) throw new Error(parsed.error);
    // Act
    const targets = mapCloudTrailEvent(parsed.event);
    // Assert
    expect(targets).toEqual({
      kind: 'targets',
      accountId: '111122223333',
      region: 'eu-west-1',
      eventName,
      clusterNames: ['prod-blue'],
      resources: [],
    });
  });

  it.each(EC2_EVENT_NAMES)('maps EC2 %s to the resource ids it names', (eventName) => {
    const parsed = parseCloudTrailEvent(load(`ec2-${kebab(eventName)}.json`));
    if (!parsed.ok) throw new Error(parsed.error);
    const targets = mapCloudTrailEvent(parsed.event);
    expect(targets.kind).toBe('targets');
    if (targets.kind !== 'targets') return;
    expect(targets.clusterNames).toEqual([]);
    expect([...targets.resources].sort(byKey)).toEqual([...EC2_EXPECTED[eventName]].sort(byKey));
  });

  it('ignores a failed call, naming the error code', () => {
    const event = load('ec2-authorize-security-group-ingress.json') as { detail: Record<string, unknown> };
    event.detail.errorCode = 'Client.InvalidPermission.Duplicate';
    event.detail.responseElements = null;
    const parsed = parseCloudTrailEvent(event);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(mapCloudTrailEvent(parsed.event)).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('Client.InvalidPermission.Duplicate'),
    });
  });

  it('ignores an event it does not handle', () => {
    const event = load('ec2-create-route.json') as { detail: Record<string, unknown> };
    event.detail.eventName = 'CreateKeyPair';
    const parsed = parseCloudTrailEvent(event);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(mapCloudTrailEvent(parsed.event)).toMatchObject({ kind: 'ignored', eventName: 'CreateKeyPair' });
  });

  it('ignores tags on resources no rule reads (an AMI only)', () => {
    const event = load('ec2-create-tags.json') as { detail: { requestParameters: Record<string, unknown> } };
    event.detail.requestParameters.resourcesSet = { items: [{ resourceId: 'ami-0abcdef1234567890' }] };
    const parsed = parseCloudTrailEvent(event);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(mapCloudTrailEvent(parsed.event).kind).toBe('ignored');
  });

  it('rejects a payload that is not a CloudTrail API-call event with a one-line reason', () => {
    const result = parseCloudTrailEvent(JSON.parse(readFileSync(join(DIR, '../schedule.json'), 'utf8')));
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(/^not a CloudTrail API-call event: detail-type/),
    });
  });

  it('reads the cluster name from nodegroup, fargate profile, addon and cluster ARNs only', () => {
    const p = 'arn:aws:eks:eu-west-1:111122223333';
    expect(clusterNameFromEksArn(`${p}:cluster/a`)).toBe('a');
    expect(clusterNameFromEksArn(`${p}:nodegroup/b/ng/uuid`)).toBe('b');
    expect(clusterNameFromEksArn(`${p}:fargateprofile/c/fp/uuid`)).toBe('c');
    expect(clusterNameFromEksArn(`${p}:addon/d/vpc-cni/uuid`)).toBe('d');
    expect(clusterNameFromEksArn(`arn:aws-cn:eks:cn-north-1:111122223333:cluster/e`)).toBe('e');
    expect(clusterNameFromEksArn(`${p}:identityproviderconfig/f/oidc/x/uuid`)).toBeUndefined();
  });
});

function byKey(a: Ec2ResourceRef, b: Ec2ResourceRef): number {
  return `${a.type}/${a.id}`.localeCompare(`${b.type}/${b.id}`);
}
