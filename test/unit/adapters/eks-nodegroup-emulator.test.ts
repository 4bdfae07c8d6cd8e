import { describe, expect, it } from 'vitest';
import { mapNodegroup } from '../../../functions/adapters/inventory/eks-collector.ts';

describe('mapNodegroup and the emulator remote-access filler', () => {
  it("drops moto's invented remoteAccess (eksKeypair + an id EC2 cannot issue): no SSH key, no remote SG", () => {
    // Arrange: what moto answers for a node group created without remote access
    const answer = {
      nodegroupName: 'ng',
      subnets: ['subnet-1'],
      remoteAccess: { ec2SshKey: 'eksKeypair' },
      resources: { remoteAccessSecurityGroup: 'sg-asm4bdcbk5zbcgtcv' },
    };
    // Act
    const mapped = mapNodegroup(answer, 'ng');
    // Assert
    expect(mapped.remoteAccess).toBeUndefined();
    expect(mapped.resources).toBeUndefined();
  });

  it('keeps real remote access: a real key name, or a well-formed group id', () => {
    // Arrange
    const ownKey = {
      nodegroupName: 'a',
      subnets: [],
      remoteAccess: { ec2SshKey: 'ops-key' },
      resources: { remoteAccessSecurityGroup: 'sg-asm4bdcbk5zbcgtcv' },
    };
    const realGroup = {
      nodegroupName: 'b',
      subnets: [],
      remoteAccess: { ec2SshKey: 'eksKeypair' },
      resources: { remoteAccessSecurityGroup: 'sg-0123456789abcdef0' },
    };
    // Act / Assert
    expect(mapNodegroup(ownKey, 'a').remoteAccess).toEqual({ ec2SshKey: 'ops-key' });
    expect(mapNodegroup(realGroup, 'b')).toMatchObject({
      remoteAccess: { ec2SshKey: 'eksKeypair' },
      resources: { remoteAccessSecurityGroup: 'sg-0123456789abcdef0' },
    });
  });
});
