import { describe, expect, it } from 'vitest';
import { vpcFlowLogsDisabled } from '../../../functions/core/rules/vpc-flow-logs-disabled.ts';
import type { Ec2FlowLog, Snapshot } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, notJudgedReason, REGION, runRule, VPC_ID } from '../../fixtures/snapshot-builder.ts';

const rule = vpcFlowLogsDisabled;

function withFlowLogs(flowLogs: Ec2FlowLog[]): Snapshot {
  return buildSnapshot(({ vpc }) => {
    vpc.flowLogs = flowLogs;
  });
}

function flowLog(id: string, overrides: Partial<Ec2FlowLog> = {}): Ec2FlowLog {
  return { FlowLogId: id, ResourceId: VPC_ID, FlowLogStatus: 'ACTIVE', TrafficType: 'ALL', ...overrides };
}

describe('vpc-flow-logs-disabled', () => {
  it('does not fire with an active flow log of traffic type ALL (the base VPC)', () => {
    expect(runRule(rule, buildSnapshot())).toEqual([]);
  });

  it('does not fire with an active flow log of traffic type REJECT', () => {
    expect(runRule(rule, withFlowLogs([flowLog('fl-r', { TrafficType: 'REJECT' })]))).toEqual([]);
  });

  it('fires on the VPC when it has no flow log, with a ready-to-run command', () => {
    // Arrange
    const snapshot = withFlowLogs([]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: VPC_ID, resourceType: 'vpc', severity: 'LOW' });
    expect(findings[0]?.evidence).toEqual({ vpcId: VPC_ID, flowLogs: [] });
    expect(findings[0]?.remediation).toContain(
      `aws ec2 create-flow-logs --region ${REGION} --resource-type VPC --resource-ids ${VPC_ID} --traffic-type REJECT`,
    );
    // Only what the scanner cannot know stays a placeholder.
    expect(findings[0]?.remediation).toContain('--log-group-name <logGroupName>');
  });

  it('fires when the only flow log records accepted traffic only, and names it', () => {
    // Arrange
    const snapshot = withFlowLogs([flowLog('fl-a', { TrafficType: 'ACCEPT', DeliverLogsStatus: 'SUCCESS' })]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.flowLogs).toEqual([
      { flowLogId: 'fl-a', status: 'ACTIVE', trafficType: 'ACCEPT', deliverLogsStatus: 'SUCCESS' },
    ]);
  });

  it('fires when the flow log recording everything is not active', () => {
    // Arrange
    const snapshot = withFlowLogs([flowLog('fl-x', { FlowLogStatus: 'INACTIVE' })]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it("ignores a flow log of another resource (it does not record this VPC's traffic)", () => {
    // Arrange
    const snapshot = withFlowLogs([flowLog('fl-other', { ResourceId: 'vpc-other' })]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('is not judged when the flow logs were not collected completely', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.flowLogs = [];
      vpc.incomplete = ['flowLogs'];
    });
    // Act
    const findings = runRule(rule, snapshot);
    const reason = notJudgedReason(rule, snapshot);
    // Assert
    expect(findings).toEqual([]);
    expect(reason).toContain('flow logs');
  });
});
