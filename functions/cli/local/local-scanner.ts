/**
 * Scans in the local stack: get a snapshot (demo account, emulator, or live AWS) and run it
 * through the same scan-processing service as the scan-cluster Lambda. `POST /scans` runs
 * here at once instead of going through a queue. Scans run one at a time.
 */
import { type ScanSubmission, type ScanSubmitter, ScanTargetError } from '../../core/api/ports.ts';
import { DEFAULT_RULE_CONFIG } from '../../core/config.ts';
import type { RuleConfig } from '../../core/model.ts';
import type { ScanTrigger } from '../../core/ports.ts';
import { processSnapshot, type ScanServiceDeps, type SnapshotScanResult } from '../../core/process-scan.ts';
import { RULES } from '../../core/rules/index.ts';
import type { Snapshot } from '../../core/snapshot.ts';

export interface ScanTarget {
  region?: string;
  clusterName?: string;
}

/** Where snapshots come from. */
export interface SnapshotSource {
  /** Regions an untargeted scan covers. */
  regions: readonly string[];
  /** A snapshot of `regions` (only `clusterNames` when given). */
  collect(regions: readonly string[], clusterNames: readonly string[] | undefined): Promise<Snapshot>;
}

/** The demo account: narrowed to the target, stamped with the current time. */
export function demoSource(snapshot: () => Snapshot, now: () => Date): SnapshotSource {
  const all = snapshot();
  return {
    regions: all.regions,
    async collect(regions, clusterNames) {
      const full = snapshot();
      const clusters = full.clusters.filter(
        (c) => regions.includes(c.region) && (!clusterNames || clusterNames.includes(c.cluster.name)),
      );
      const vpcKeys = new Set(clusters.map((c) => `${c.region}/${c.vpcId}`));
      return {
        ...full,
        // A fresh scan time: the stored timeline shows when the local stack looked.
        scannedAt: now().toISOString(),
        regions: [...regions],
        clusters,
        vpcs: full.vpcs.filter((v) => vpcKeys.has(`${v.region}/${v.vpcId}`)),
        errors: [],
      };
    },
  };
}

export interface LocalScanner extends ScanSubmitter {
  /** Runs a scan now (the start-up sweep). */
  run(scanId: string, trigger: ScanTrigger, target?: ScanTarget): Promise<SnapshotScanResult>;
  /** Account of the last snapshot (the demo account, moto's, or the live one). */
  accountId(): string | undefined;
}

export function createLocalScanner(
  deps: ScanServiceDeps,
  source: SnapshotSource,
  ruleConfig: RuleConfig = DEFAULT_RULE_CONFIG,
): LocalScanner {
  let account: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  async function scan(
    scanId: string,
    trigger: ScanTrigger,
    target: ScanTarget = {},
  ): Promise<SnapshotScanResult> {
    if (target.region && !source.regions.includes(target.region)) {
      throw new ScanTargetError(
        `"${target.region}" is not scanned by this local stack (regions: ${source.regions.join(', ')})`,
        'region',
      );
    }
    const regions = target.region ? [target.region] : [...source.regions];
    const clusterNames = target.clusterName ? [target.clusterName] : undefined;
    let snapshot = await source.collect(regions, clusterNames);
    account = snapshot.accountId;
    if (target.clusterName) {
      const name = target.clusterName;
      const found = regions.filter(
        (region) =>
          snapshot.clusters.some((c) => c.region === region && c.cluster.name === name) ||
          snapshot.errors.some((e) => e.region === region && e.clusterName === name),
      );
      if (found.length === 0)
        throw new ScanTargetError(`no cluster "${name}" in ${regions.join(', ')}`, 'cluster');
      // A cluster named without a region is scanned where it exists: the processing counts
      // the target once per region it covers, so the other regions would each add a phantom
      // "done" cluster (one cluster reported as 2 of 2, or 3 of 3).
      snapshot = { ...snapshot, regions: found };
    }
    return processSnapshot(deps, {
      scanId,
      trigger,
      snapshot,
      rules: RULES,
      ruleConfig,
      ...(clusterNames ? { targetClusterNames: clusterNames } : {}),
    });
  }

  /** One scan at a time: a second request waits for the first instead of racing it. */
  function serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    run: (scanId, trigger, target) => serialized(() => scan(scanId, trigger, target)),
    accountId: () => account,
    async submit(submission: ScanSubmission) {
      const result = await serialized(() =>
        scan(submission.scanId, 'api', {
          ...(submission.region ? { region: submission.region } : {}),
          ...(submission.clusterName ? { clusterName: submission.clusterName } : {}),
        }),
      );
      // The scan already ran: the API records this many expected clusters, which are all
      // done, and that completes the scan (at once when there were none).
      return result.clustersDone?.length ?? result.clusters.length;
    },
  };
}
