/**
 * The third-party check catalogs that rule references are checked against (RULES.md: "a
 * reference to a Security Hub control or a Prowler check names one that exists in current
 * releases"). Vendored as data so the test in test/unit/rules/references.test.ts can fail
 * on a misspelt, renamed or retired id. Nothing at run time reads these lists.
 *
 * How to refresh:
 *
 * - Prowler: every folder under `prowler/providers/aws/services/{ec2,eks,vpc}/` of
 *   github.com/prowler-cloud/prowler (one `<check_id>/<check_id>.metadata.json` each).
 *   Read from the stored copy of the repository up to commit
 *   38077e9a0a706b72456696e74d6be576ac319fd0 (the Prowler 5.x line, where the EKS service
 *   has the 8 checks below), cross-checked against the Prowler 5.43.0 check catalogue.
 *   A folder whose check is named in another check's `CheckAliases` is an old name and goes
 *   into PROWLER_AWS_CHECK_ALIASES, not into the list. Folders that only ever existed on a
 *   branch (one version, never released: for example `vpc_sg_open_to_authorized_ports`,
 *   `ec2_enclave_parent_*`, `eks_cluster_ensure_version_is_supported`) are left out.
 * - Security Hub: the control ids and titles of the Security Hub CSPM user guide pages
 *   "Security Hub CSPM controls for Amazon EC2" and "... for Amazon EKS"
 *   (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html and
 *   eks-controls.html), read from the markdown source of the guide in its version that
 *   ends with EC2.183. Every control on those pages is listed, whatever standard it belongs
 *   to (AWS Foundational Security Best Practices, CIS AWS Foundations Benchmark, PCI DSS,
 *   NIST SP 800-53, AWS Resource Tagging): EC2.53 and EC2.54, for example, are CIS and PCI
 *   controls, not FSBP ones. EC2.22 is kept: AWS removed it from FSBP in 2023 but it is
 *   still a control of the AWS Control Tower standard.
 */

/** Prowler check ids of the AWS provider for the ec2, eks and vpc services, sorted. */
export const PROWLER_AWS_CHECKS: readonly string[] = [
  // ec2
  'ec2_ami_account_block_public_access',
  'ec2_ami_public',
  'ec2_client_vpn_endpoint_connection_logging_enabled',
  'ec2_confidential_workload_host_imdsv2_not_enforced',
  'ec2_confidential_workload_host_not_running',
  'ec2_confidential_workload_host_public_ip',
  'ec2_confidential_workload_host_unrestricted_ingress',
  'ec2_confidential_workload_host_vsock_proxy_exposed',
  'ec2_ebs_default_encryption',
  'ec2_ebs_public_snapshot',
  'ec2_ebs_snapshot_account_block_public_access',
  'ec2_ebs_snapshots_encrypted',
  'ec2_ebs_volume_encryption',
  'ec2_ebs_volume_protected_by_backup_plan',
  'ec2_ebs_volume_snapshots_exists',
  'ec2_elastic_ip_shodan',
  'ec2_elastic_ip_unassigned',
  'ec2_instance_account_imdsv2_enabled',
  'ec2_instance_detailed_monitoring_enabled',
  'ec2_instance_imdsv2_enabled',
  'ec2_instance_internet_facing_with_instance_profile',
  'ec2_instance_managed_by_ssm',
  'ec2_instance_not_directly_publicly_accessible_via_elb',
  'ec2_instance_not_directly_publicly_accessible_via_elbv2',
  'ec2_instance_older_than_specific_days',
  'ec2_instance_paravirtual_type',
  'ec2_instance_port_cassandra_exposed_to_internet',
  'ec2_instance_port_cifs_exposed_to_internet',
  'ec2_instance_port_elasticsearch_kibana_exposed_to_internet',
  'ec2_instance_port_ftp_exposed_to_internet',
  'ec2_instance_port_kafka_exposed_to_internet',
  'ec2_instance_port_kerberos_exposed_to_internet',
  'ec2_instance_port_ldap_exposed_to_internet',
  'ec2_instance_port_memcached_exposed_to_internet',
  'ec2_instance_port_mongodb_exposed_to_internet',
  'ec2_instance_port_mysql_exposed_to_internet',
  'ec2_instance_port_oracle_exposed_to_internet',
  'ec2_instance_port_postgresql_exposed_to_internet',
  'ec2_instance_port_rdp_exposed_to_internet',
  'ec2_instance_port_redis_exposed_to_internet',
  'ec2_instance_port_sqlserver_exposed_to_internet',
  'ec2_instance_port_ssh_exposed_to_internet',
  'ec2_instance_port_telnet_exposed_to_internet',
  'ec2_instance_profile_attached',
  'ec2_instance_public_ip',
  'ec2_instance_secrets_user_data',
  'ec2_instance_stopped_older_than_specific_days',
  'ec2_instance_uses_single_eni',
  'ec2_instance_with_outdated_ami',
  'ec2_launch_template_imdsv2_required',
  'ec2_launch_template_no_public_ip',
  'ec2_launch_template_no_secrets',
  'ec2_networkacl_allow_ingress_any_port',
  'ec2_networkacl_allow_ingress_tcp_port_22',
  'ec2_networkacl_allow_ingress_tcp_port_3389',
  'ec2_networkacl_unused',
  'ec2_securitygroup_allow_ingress_from_internet_to_all_ports',
  'ec2_securitygroup_allow_ingress_from_internet_to_any_port',
  'ec2_securitygroup_allow_ingress_from_internet_to_any_port_from_ip',
  'ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_cassandra_7199_9160_8888',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_ftp_20_21',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_kafka_9092',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_memcached_11211',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mongodb_27017_27018',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_oracle_1521_2483',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_sql_server_1433_1434',
  'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_telnet_23',
  'ec2_securitygroup_allow_wide_open_public_ipv4',
  'ec2_securitygroup_default_restrict_traffic',
  'ec2_securitygroup_from_launch_wizard',
  'ec2_securitygroup_not_used',
  'ec2_securitygroup_with_many_ingress_egress_rules',
  'ec2_transitgateway_auto_accept_vpc_attachments',
  // eks
  'eks_cluster_deletion_protection_enabled',
  'eks_cluster_kms_cmk_encryption_in_secrets_enabled',
  'eks_cluster_network_policy_enabled',
  'eks_cluster_not_publicly_accessible',
  'eks_cluster_private_nodes_enabled',
  'eks_cluster_uses_a_supported_version',
  'eks_cluster_vpc_cni_network_policy_enforced',
  'eks_control_plane_logging_all_types_enabled',
  // vpc
  'vpc_different_regions',
  'vpc_endpoint_connections_trust_boundaries',
  'vpc_endpoint_for_ec2_enabled',
  'vpc_endpoint_multi_az_enabled',
  'vpc_endpoint_services_allowed_principals_trust_boundaries',
  'vpc_flow_logs_enabled',
  'vpc_peering_routing_tables_with_least_privilege',
  'vpc_subnet_different_az',
  'vpc_subnet_no_public_ip_by_default',
  'vpc_subnet_separate_private_public',
  'vpc_vpn_connection_tunnels_up',
];

/**
 * Old Prowler check ids of these services and the current check that carries each as a
 * `CheckAliases` entry (or replaced it). Prowler still accepts an alias on its command
 * line, which is why a stale reference looks valid: references must use the current id.
 */
export const PROWLER_AWS_CHECK_ALIASES: Readonly<Record<string, string>> = {
  eks_endpoints_not_publicly_accessible: 'eks_cluster_not_publicly_accessible',
  eks_control_plane_endpoint_access_restricted: 'eks_cluster_not_publicly_accessible',
  ec2_securitygroup_allow_ingress_from_internet_to_tcp_ftp_port_20_21:
    'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_ftp_20_21',
  ec2_securitygroup_allow_ingress_from_internet_to_port_mongodb_27017_27018:
    'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mongodb_27017_27018',
  ec2_elastic_ip_unassgined: 'ec2_elastic_ip_unassigned',
  ec2_ebs_snapshots_exists: 'ec2_ebs_volume_snapshots_exists',
};

/** Security Hub CSPM control ids for Amazon EC2 and Amazon EKS, mapped to their titles. */
export const SECURITY_HUB_CONTROLS: Readonly<Record<string, string>> = {
  'EC2.1': 'Amazon EBS snapshots should not be configured to be publicly restorable',
  'EC2.2': 'VPC default security groups should not allow inbound or outbound traffic',
  'EC2.3': 'Attached Amazon EBS volumes should be encrypted at-rest',
  'EC2.4': 'Stopped EC2 instances should be removed after a specified time period',
  'EC2.6': 'VPC flow logging should be enabled in all VPCs',
  'EC2.7': 'EBS default encryption should be enabled',
  'EC2.8': 'EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)',
  'EC2.9': 'Amazon EC2 instances should not have a public IPv4 address',
  'EC2.10':
    'Amazon EC2 should be configured to use VPC endpoints that are created for the Amazon EC2 service',
  'EC2.12': 'Unused Amazon EC2 EIPs should be removed',
  'EC2.13': 'Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22',
  'EC2.14': 'Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389',
  'EC2.15': 'Amazon EC2 subnets should not automatically assign public IP addresses',
  'EC2.16': 'Unused Network Access Control Lists should be removed',
  'EC2.17': 'Amazon EC2 instances should not use multiple ENIs',
  'EC2.18': 'Security groups should only allow unrestricted incoming traffic for authorized ports',
  'EC2.19': 'Security groups should not allow unrestricted access to ports with high risk',
  'EC2.20': 'Both VPN tunnels for an AWS Site-to-Site VPN connection should be up',
  'EC2.21': 'Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389',
  'EC2.22': 'Unused Amazon EC2 security groups should be removed',
  'EC2.23': 'Amazon EC2 Transit Gateways should not automatically accept VPC attachment requests',
  'EC2.24': 'Amazon EC2 paravirtual instance types should not be used',
  'EC2.25': 'Amazon EC2 launch templates should not assign public IPs to network interfaces',
  'EC2.28': 'EBS volumes should be covered by a backup plan',
  'EC2.33': 'EC2 transit gateway attachments should be tagged',
  'EC2.34': 'EC2 transit gateway route tables should be tagged',
  'EC2.35': 'EC2 network interfaces should be tagged',
  'EC2.36': 'EC2 customer gateways should be tagged',
  'EC2.37': 'EC2 Elastic IP addresses should be tagged',
  'EC2.38': 'EC2 instances should be tagged',
  'EC2.39': 'EC2 internet gateways should be tagged',
  'EC2.40': 'EC2 NAT gateways should be tagged',
  'EC2.41': 'EC2 network ACLs should be tagged',
  'EC2.42': 'EC2 route tables should be tagged',
  'EC2.43': 'EC2 security groups should be tagged',
  'EC2.44': 'EC2 subnets should be tagged',
  'EC2.45': 'EC2 volumes should be tagged',
  'EC2.46': 'Amazon VPCs should be tagged',
  'EC2.47': 'Amazon VPC endpoint services should be tagged',
  'EC2.48': 'Amazon VPC flow logs should be tagged',
  'EC2.49': 'Amazon VPC peering connections should be tagged',
  'EC2.50': 'EC2 VPN gateways should be tagged',
  'EC2.51': 'EC2 Client VPN endpoints should have client connection logging enabled',
  'EC2.52': 'EC2 transit gateways should be tagged',
  'EC2.53':
    'EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports',
  'EC2.54': 'EC2 security groups should not allow ingress from ::/0 to remote server administration ports',
  'EC2.55': 'VPCs should be configured with an interface endpoint for ECR API',
  'EC2.56': 'VPCs should be configured with an interface endpoint for Docker Registry',
  'EC2.57': 'VPCs should be configured with an interface endpoint for Systems Manager',
  'EC2.58':
    'VPCs should be configured with an interface endpoint for Systems Manager Incident Manager Contacts',
  'EC2.60': 'VPCs should be configured with an interface endpoint for Systems Manager Incident Manager',
  'EC2.170': 'EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2)',
  'EC2.171': 'EC2 VPN connections should have logging enabled',
  'EC2.172': 'EC2 VPC Block Public Access settings should block internet gateway traffic',
  'EC2.173':
    'EC2 Spot Fleet requests with launch parameters should enable encryption for attached EBS volumes',
  'EC2.174': 'EC2 DHCP option sets should be tagged',
  'EC2.175': 'EC2 launch templates should be tagged',
  'EC2.176': 'EC2 prefix lists should be tagged',
  'EC2.177': 'EC2 traffic mirror sessions should be tagged',
  'EC2.178': 'EC2 traffic mirror filters should be tagged',
  'EC2.179': 'EC2 traffic mirror targets should be tagged',
  'EC2.180': 'EC2 network interfaces should have source/destination checking enabled',
  'EC2.181': 'EC2 launch templates should enable encryption for attached EBS volumes',
  'EC2.182': 'Block public access settings should be enabled for Amazon EBS snapshots',
  'EC2.183': 'EC2 VPN connections should use IKEv2 protocol',
  'EKS.1': 'EKS cluster endpoints should not be publicly accessible',
  'EKS.2': 'EKS clusters should run on a supported Kubernetes version',
  'EKS.3': 'EKS clusters should use encrypted Kubernetes secrets',
  'EKS.6': 'EKS clusters should be tagged',
  'EKS.7': 'EKS identity provider configurations should be tagged',
  'EKS.8': 'EKS clusters should have audit logging enabled',
};
