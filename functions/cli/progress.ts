/**
 * Progress of a live scan, on stderr only (stdout carries the report, which scripts
 * parse). On a terminal: an `ora` spinner line with regions, clusters and VPCs done
 * out of total, plus a kept line per finished region and per slow AWS call. With
 * `--progress` on a pipe or CI log: the same facts as plain lines, no escape codes.
 */
import ora, { type Ora } from 'ora';
import type { AwsCallRecord } from '../adapters/aws-clients.ts';
import type { CollectProgress } from '../adapters/inventory-collector.ts';

/** An AWS call this slow gets its own line: it is where a long scan spends its time. */
export const SLOW_CALL_MS = 5_000;

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export type ProgressMode = 'off' | 'lines' | 'spinner';

/** Spinner on a terminal; plain lines when asked for with `--progress` elsewhere; else nothing. */
export function progressMode(requested: boolean, stream: ProgressStream | undefined): ProgressMode {
  if (stream === undefined) return 'off';
  // A terminal that reports no width (a pty opened by `script` without one) would make
  // the spinner's line arithmetic divide by zero: plain lines are safe there.
  if (stream.isTTY === true && (stream.columns ?? 0) > 0) return 'spinner';
  return requested ? 'lines' : 'off';
}

export interface ScanProgress {
  /** The number of regions, once known (`--region all` lists them first). */
  regions(total: number): void;
  collected(event: CollectProgress): void;
  callSettled(call: AwsCallRecord): void;
  /** Removes the spinner before the report is printed. */
  stop(): void;
}

const NO_PROGRESS: ScanProgress = { regions() {}, collected() {}, callSettled() {}, stop() {} };

interface Counts {
  regionsDone: number;
  clustersTotal: number;
  clustersDone: number;
  vpcsTotal: number;
  vpcsDone: number;
  calls: number;
}

/**
 * @param regionsTotal regions the scan covers, when known before collection starts
 */
export function createScanProgress(
  mode: ProgressMode,
  stream: ProgressStream | undefined,
  regionsTotal?: number,
): ScanProgress {
  if (mode === 'off' || stream === undefined) return NO_PROGRESS;
  const counts: Counts = {
    regionsDone: 0,
    clustersTotal: 0,
    clustersDone: 0,
    vpcsTotal: 0,
    vpcsDone: 0,
    calls: 0,
  };
  let total = regionsTotal === undefined ? '?' : String(regionsTotal);
  const summary = () =>
    `regions ${counts.regionsDone}/${total} · clusters ${counts.clustersDone}/${counts.clustersTotal} · ` +
    `VPCs ${counts.vpcsDone}/${counts.vpcsTotal} · ${counts.calls} AWS calls`;

  let spinner: Ora | undefined;
  if (mode === 'spinner') {
    // discardStdin off: the scan reads no keys, and ora would otherwise grab the TTY.
    spinner = ora({ stream, discardStdin: false, text: summary() }).start();
  }
  // A kept line: above the spinner on a terminal, prefixed on a pipe.
  const line = (symbol: 'info' | 'succeed' | 'warn', text: string) => {
    if (spinner) {
      spinner.stopAndPersist({ symbol: { info: 'ℹ', succeed: '✔', warn: '⚠' }[symbol], text });
      spinner.start(summary());
    } else {
      stream.write(`eks-netguard: progress: ${text}\n`);
    }
  };

  return {
    regions(count) {
      total = String(count);
      if (spinner) spinner.text = summary();
    },
    collected(event) {
      if (event.stage === 'clusters') counts.clustersTotal += event.clusters;
      else if (event.stage === 'vpcs') counts.vpcsTotal += event.vpcs;
      else {
        counts.regionsDone += 1;
        counts.clustersDone += event.clusters;
        counts.vpcsDone += event.vpcs;
        // On a terminal, `--region all` would keep dozens of empty regions: keep those with clusters.
        if (!spinner || event.clusters > 0)
          line(
            'succeed',
            `${event.region} done (${event.clusters} cluster(s), ${event.vpcs} VPC(s)); ${summary()}`,
          );
      }
      if (spinner) spinner.text = summary();
    },
    callSettled(call) {
      counts.calls += 1;
      if (call.durationMs >= SLOW_CALL_MS) {
        const seconds = (call.durationMs / 1000).toFixed(1);
        line(
          'warn',
          `slow: ${call.operation} in ${call.region} took ${seconds}s${call.ok ? '' : ' and failed'}`,
        );
      }
      if (spinner) spinner.text = summary();
    },
    stop() {
      spinner?.stop();
    },
  };
}
