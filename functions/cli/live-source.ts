/**
 * Live collection from AWS (or an emulator via `--endpoint-url`). Imported lazily so
 * that `rules`, `--demo` and `--snapshot-in` never load the AWS SDK.
 */
import type { Snapshot } from '../core/snapshot.ts';

export interface LiveCollectRequest {
  regions: string[];
  clusterNames: string[];
  endpointUrl?: string;
  /** The clock; the collector reads `scannedAt` from it once. */
  now: () => Date;
}

export type LiveCollector = (request: LiveCollectRequest) => Promise<Snapshot>;

export const collectLive: LiveCollector = async ({ regions, clusterNames, endpointUrl, now }) => {
  const [{ createAwsClients }, { collectInventory }] = await Promise.all([
    import('../adapters/aws-clients.ts'),
    import('../adapters/inventory-collector.ts'),
  ]);
  return collectInventory(createAwsClients({ endpointUrl }), { regions, clusterNames, now });
};
