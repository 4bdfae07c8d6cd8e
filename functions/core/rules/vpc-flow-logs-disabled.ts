import type { RuleDefinition } from '../model.ts';
import type { Ec2FlowLog } from '../snapshot.ts';
import { DOCS } from './references.ts';

/** Traffic types that record rejected traffic: what an investigation of a blocked or probed path needs. */
const RECORDS_REJECTS = new Set(['ALL', 'REJECT']);

/** An active VPC flow log that records rejected traffic (delivery status is not judged). */
function recordsRejects(flowLog: Ec2FlowLog): boolean {
  return (
    flowLog.FlowLogStatus?.toUpperCase() === 'ACTIVE' &&
    RECORDS_REJECTS.has(flowLog.TrafficType?.toUpperCase() ?? '')
  );
}

/**
 * Without a flow log that records rejected traffic there is no trace of who probed the
 * nodes or which connection a security group or ACL dropped, the first thing an incident
 * responder (or someone debugging a blocked path) asks for.
 */
export const vpcFlowLogsDisabled: RuleDefinition = {
  id: 'vpc-flow-logs-disabled',
  severity: 'LOW',
  title: "The cluster's VPC has no flow log recording rejected traffic",
  description:
    "The cluster's VPC has no flow log whose status is ACTIVE and whose traffic type is ALL or REJECT.",
  risk: 'No record of rejected or suspicious traffic to reconstruct an incident or to debug a blocked path.',
  remediation:
    'Create a flow log on the VPC: aws ec2 create-flow-logs --region {{region}} --resource-type VPC --resource-ids {{vpcId}} --traffic-type REJECT --log-destination-type cloud-watch-logs --log-group-name {{logGroupName}} --deliver-logs-permission-arn {{deliverLogsRoleArn}} (use --traffic-type ALL to record accepted traffic too). CloudFormation: AWS::EC2::FlowLog with ResourceType VPC, ResourceId {{vpcId}}, TrafficType REJECT; Terraform: aws_flow_log with vpc_id = "{{vpcId}}", traffic_type = "REJECT".',
  references: [DOCS.flowLogs, 'Security Hub EC2.6', 'Prowler vpc_flow_logs_enabled'],
  resourceType: 'vpc',
  requires: ['cluster', 'vpc', 'flowLogs'],
  evaluate(ctx) {
    const vpc = ctx.vpc;
    if (!vpc) return [];
    const vpcId = vpc.inventory.vpcId;
    const flowLogs = vpc.inventory.flowLogs.filter((flowLog) => flowLog.ResourceId === vpcId);
    if (flowLogs.some(recordsRejects)) return [];
    return [
      {
        resourceId: vpcId,
        evidence: {
          vpcId,
          flowLogs: flowLogs.map((flowLog) => ({
            flowLogId: flowLog.FlowLogId,
            status: flowLog.FlowLogStatus ?? null,
            trafficType: flowLog.TrafficType ?? null,
            deliverLogsStatus: flowLog.DeliverLogsStatus ?? null,
          })),
        },
      },
    ];
  },
};
