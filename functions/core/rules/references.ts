/** AWS documentation pages the rules cite (the pages the EKS networking guide links to). */
export const DOCS = {
  endpointAccess: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
  vpcRequirements: 'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html',
  subnetTagging: 'https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html',
  securityGroups: 'https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html',
  privateClusters: 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html',
  customNetworking: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html',
  externalSnat: 'https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html',
  podSecurityGroups: 'https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html',
  networkPolicy: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html',
  fargate: 'https://docs.aws.amazon.com/eks/latest/userguide/fargate.html',
  managedNodeGroups: 'https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html',
  vpcCniAddon: 'https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html',
  loadBalancerController:
    'https://docs.aws.amazon.com/eks/latest/userguide/aws-load-balancer-controller.html',
  vpcDns: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html',
  ipAddressing: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html',
  subnetSizing: 'https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html',
  networkAcls: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
  flowLogs: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html',
  interfaceEndpoints: 'https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html',
  instanceMetadata:
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html',
  iamBestPractices:
    'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
  launchTemplates: 'https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html',
  ipv6: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-ipv6.html',
  hybridNodesNetworking: 'https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html',
} as const;
