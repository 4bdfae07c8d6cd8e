/**
 * `POST /scans` in AWS: turns a scan target (a cluster, a region, or everything) into
 * per-cluster messages on the scan queue, all carrying the API's scan id.
 */
import { type ScanSubmission, type ScanSubmitter, ScanTargetError } from '../core/api/ports.ts';
import type { ClusterRecord } from '../core/ports.ts';
import type { ClusterScanRequest, ScanQueuePort } from '../core/scan-request.ts';

export interface QueueScanSubmitterDeps {
  queue: ScanQueuePort;
  /** Regions an untargeted scan covers (the sweep's regions). */
  regions(): Promise<string[]>;
  /** Clusters EKS lists in a region. */
  listClusterNames(region: string): Promise<string[]>;
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
  async function regionOf(submission: ScanSubmission, clusterName: string): Promise<string> {
    const known = (await deps.knownClusters()).filter(
      (c) => c.clusterName === clusterName && c.accountId === submission.accountId && !c.deletedAt,
    );
    const regions = [...new Set(known.map((c) => c.region))];
    if (regions.length === 1) return regions[0] as string;
    if (regions.length === 0)
      throw new ScanTargetError(`no known cluster "${clusterName}"; pass its region`, 'cluster');
    throw new ScanTargetError(`"${clusterName}" exists in ${regions.join(', ')}; pass region`, 'region');
  }

  return {
    async submit(submission) {
      const { clusterName } = submission;
      const base = {
        kind: 'cluster' as const,
        accountId: submission.accountId,
        reason: 'api' as const,
        requestedAt: submission.requestedAt.toISOString(),
        scanId: submission.scanId,
        attempt: 0,
      };
      let requests: ClusterScanRequest[];
      if (clusterName) {
        const region = submission.region ?? (await regionOf(submission, clusterName));
        requests = [{ ...base, region, clusterName }];
      } else {
        const regions = submission.region ? [submission.region] : await deps.regions();
        const listed = await Promise.all(
          regions.map(async (region) =>
            (await deps.listClusterNames(region)).map((name) => ({ region, name })),
          ),
        );
        requests = listed.flat().map(({ region, name }) => ({ ...base, region, clusterName: name }));
      }
      if (requests.length === 0) return 0;
      const result = await deps.queue.enqueue(requests, submission.requestedAt);
      if (result.failed.length > 0) {
        throw new ScanSubmitError(
          `${result.failed.length} of ${requests.length} scan requests not enqueued: ${result.failed[0]?.message}`,
        );
      }
      return requests.length;
    },
  };
}
