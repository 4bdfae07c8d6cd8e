/**
 * Live collection from AWS (or an emulator via `--endpoint-url`). Imported lazily so
 * that `rules`, `--demo` and `--snapshot-in` never load the AWS SDK.
 */
import type { AwsCallDeadline, AwsCallRecord } from '../adapters/aws-clients.ts';
import type { CollectProgress } from '../adapters/inventory-collector.ts';
import type { Snapshot } from '../core/snapshot.ts';

export interface LiveCollectRequest {
  /** Region names, or `all`: every region enabled in the account (EC2 DescribeRegions). */
  regions: string[] | 'all';
  /** The region asked for the list of enabled regions when `regions` is `all`. */
  homeRegion?: string;
  clusterNames: string[];
  endpointUrl?: string;
  /** The clock; the collector reads `scannedAt` from it once. */
  now: () => Date;
  /** Every AWS call fails once it fires (`--timeout`); the calls in flight are aborted. */
  deadline?: AwsCallDeadline;
  /** Told the regions the scan covers once they are known (`all` lists them first). */
  onRegions?: (regions: string[]) => void;
  onProgress?: (event: CollectProgress) => void;
  onCallSettled?: (call: AwsCallRecord) => void;
}

export type LiveCollector = (request: LiveCollectRequest) => Promise<Snapshot>;

export const collectLive: LiveCollector = async (request) => {
  const [{ createAwsClients }, { collectInventory }, { listEnabledRegions }] = await Promise.all([
    import('../adapters/aws-clients.ts'),
    import('../adapters/inventory-collector.ts'),
    import('../adapters/enabled-regions.ts'),
  ]);
  const clients = createAwsClients({
    ...(request.endpointUrl ? { endpointUrl: request.endpointUrl } : {}),
    ...(request.deadline ? { deadline: request.deadline } : {}),
    ...(request.onCallSettled ? { onCallSettled: request.onCallSettled } : {}),
  });
  const regions =
    request.regions === 'all'
      ? await listEnabledRegions(clients, request.homeRegion ?? 'us-east-1')
      : request.regions;
  request.onRegions?.(regions);
  return collectInventory(clients, {
    regions,
    clusterNames: request.clusterNames,
    now: request.now,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
};
