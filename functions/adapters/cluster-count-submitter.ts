/**
 * `POST /scans` splits a scan into one queue message per cluster; the scan record must
 * then complete when the LAST of them is done, not the first. This wrapper records, once
 * the submitter has enqueued them, how many clusters the scan covers (the store completes
 * the scan when that many are done, or at once when they already are or there are none).
 * A submitter that handed the scan on (`null`: the sweep function lists the clusters)
 * leaves the count to whoever enqueues them.
 */
import type { ScanSubmitter } from '../core/api/ports.ts';

export interface ClusterCountStore {
  /** Sets the expected count (idempotent: a retry with the same count changes nothing). */
  expectClusters(scanId: string, count: number, at: string): Promise<void>;
}

export function withClusterCount(
  submitter: ScanSubmitter,
  store: ClusterCountStore,
  now: () => Date,
): ScanSubmitter {
  return {
    async submit(submission) {
      const count = await submitter.submit(submission);
      if (count !== null) await store.expectClusters(submission.scanId, count, now().toISOString());
      return count;
    },
  };
}
