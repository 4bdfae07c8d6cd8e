/**
 * One scan's share of a collection that served several: the scan-vpc Lambda collects
 * the VPCs of a whole SQS batch in one pass (each describe call covers up to 200 VPCs)
 * and hands each message the part it named.
 */
import type { Snapshot } from './snapshot.ts';

/**
 * The named clusters' VPCs, with every collected cluster in them (rules read the whole
 * VPC: other clusters' subnets and tags), named clusters whose VPC is unknown, and the
 * errors of what is kept (region-wide errors always).
 */
export function snapshotOfClusters(snapshot: Snapshot, clusterNames: readonly string[]): Snapshot {
  const named = new Set(clusterNames);
  const vpcIds = new Set(
    snapshot.clusters.flatMap((c) => (named.has(c.cluster.name) && c.vpcId ? [c.vpcId] : [])),
  );
  const clusters = snapshot.clusters.filter((c) =>
    c.vpcId ? vpcIds.has(c.vpcId) : named.has(c.cluster.name),
  );
  const kept = new Set(clusters.map((c) => c.cluster.name));
  const errors = snapshot.errors.filter((e) =>
    e.clusterName ? kept.has(e.clusterName) || named.has(e.clusterName) : !e.vpcId || vpcIds.has(e.vpcId),
  );
  return {
    ...snapshot,
    clusters,
    vpcs: snapshot.vpcs.filter((v) => vpcIds.has(v.vpcId)),
    errors,
  };
}
