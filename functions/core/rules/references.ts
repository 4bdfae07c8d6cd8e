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
} as const;
