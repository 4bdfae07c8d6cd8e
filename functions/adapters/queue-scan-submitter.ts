/**
 * `POST /scans` in AWS. A cluster scan goes straight onto the scan queue (SQS only), as
 * the scan of that cluster in the VPC its last scan stored (none for a cluster no scan
 * has stored: the scan finds it); a
 * scan of a region or of everything is handed to the `sweep` function, which lists the
 * clusters (EC2/EKS, which the API function does not carry), enqueues them under the
 * same scan id and records how many there are.
 */
import { type ScanSubmission, type ScanSubmitter, ScanTargetError } from '../core/api/ports.ts';
import type { ApiScanRequest } from '../core/api-scan-request.ts';
import type { ClusterRecord } from '../core/ports.ts';
import { type ScanQueuePort, vpcScanRequests } from '../core/scan-request.ts';

export interface QueueScanSubmitterDeps {
  queue: ScanQueuePort;
  /** Lists and enqueues the clusters of a region or of every swept region (the sweep function). */
  sweep: { invoke(request: ApiScanRequest): Promise<void> };
  /** Clusters the store knows (to find the region of a cluster named without one). */
  knownClusters(): Promise<ClusterRecord[]>;
}

/** A scan could not be enqueued. */
export class ScanSubmitError extends Error {
  override readonly name = 'ScanSubmitError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function createQueueScanSubmitter(deps: QueueScanSubmitterDeps): ScanSubmitter {
  /** The cluster's region (from the store unless given) and its stored VPC, if any. */
  async function locate(
    submission: ScanSubmission,
    clusterName: string,
  ): Promise<{ region: string; vpcId?: string | undefined }> {
    const known = (await deps.knownClusters()).filter(
      (c) => c.clusterName === clusterName && c.accountId === submission.accountId && !c.deletedAt,
    );
    const vpcIn = (region: string) => known.find((c) => c.region === region)?.vpcId;
    if (submission.region) return { region: submission.region, vpcId: vpcIn(submission.region) };
    const regions = [...new Set(known.map((c) => c.region))];
    if (regions.length === 1) return { region: regions[0] as string, vpcId: vpcIn(regions[0] as string) };
    if (regions.length === 0)
      throw new ScanTargetError(`no known cluster "${clusterName}"; pass its region`, 'cluster');
    throw new ScanTargetError(`"${clusterName}" exists in ${regions.join(', ')}; pass region`, 'region');
  }

  return {
    async submit(submission) {
      const { clusterName } = submission;
      if (!clusterName) {
        // The sweep records the cluster count (or fails the scan) itself: nothing to count here.
        await deps.sweep.invoke({
          kind: 'api-scan',
          scanId: submission.scanId,
          accountId: submission.accountId,
          ...(submission.region ? { region: submission.region } : {}),
          requestedAt: submission.requestedAt.toISOString(),
        });
        return null;
      }
      const { region, vpcId } = await locate(submission, clusterName);
      const requests = vpcScanRequests(
        {
          accountId: submission.accountId,
          region,
          reason: 'api',
          requestedAt: submission.requestedAt.toISOString(),
          scanId: submission.scanId,
        },
        [{ clusterName, vpcId }],
      );
      const result = await deps.queue.enqueue(requests, submission.requestedAt);
      if (result.failed.length > 0) {
        throw new ScanSubmitError(`scan request not enqueued: ${result.failed[0]?.message}`);
      }
      return 1;
    },
  };
}
