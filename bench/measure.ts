/**
 * Measures one account size in the current process (run.ts starts one process per size,
 * so heap and RSS figures belong to that size alone): collect through the fake AWS,
 * evaluate against JSON.parse, first sweep and unchanged re-sweep against dynalite, the
 * event storm, and the API calls of the deployed scan path (sweep → one scan-vpc per VPC).
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createAwsClients, EMULATOR_CREDENTIALS } from '../functions/adapters/aws-clients.ts';
import { createFindingsTable, startDynalite } from '../functions/adapters/dynalite-server.ts';
import { createDocumentClient, createFindingsStore } from '../functions/adapters/findings-store.ts';
import { collectInventory } from '../functions/adapters/inventory-collector.ts';
import { DEFAULT_RULE_CONFIG } from '../functions/core/config.ts';
import { evaluateSnapshot } from '../functions/core/evaluate.ts';
import { processSnapshot } from '../functions/core/process-scan.ts';
import { RULES } from '../functions/core/rules/index.ts';
import type { Snapshot } from '../functions/core/snapshot.ts';
import { CountingNotifier, countingSecurityHub, countWrites } from './counting.ts';
import { type DeployedSweepResult, deployedSweep } from './deployed.ts';
import { computeFloor, installFakeAws } from './fake-aws.ts';
import { generateAccount, SIZES, type SizeName } from './generator.ts';
import { runStorm, type StormResult } from './storm.ts';

export interface Timing {
  wallMs: number;
  cpuMs: number;
}

export interface SizeResult {
  size: SizeName;
  clusters: number;
  vpcs: number;
  subnets: number;
  securityGroups: number;
  nodeInstances: number;
  /** Network ACLs of the cluster VPCs, and their entries. */
  networkAcls: number;
  networkAclEntries: number;
  findings: number;
  findingsByRule: Record<string, number>;
  snapshotBytes: number;
  apiCalls: {
    total: number;
    floor: number;
    ratio: number;
    byOperation: Record<string, number>;
    floorByOperation: Record<string, number>;
  };
  /**
   * The deployed path: the sweep and every scan-vpc invocation it causes, on a store of
   * its own. `first`: the store knows no cluster (their VPCs found by the scans of new
   * clusters); `steady`: an hour later, one scan per VPC from the stored index.
   */
  deployedScanCalls: { first: DeployedSweepResult; steady: DeployedSweepResult };
  collectMs: number;
  collectCpuMs: number;
  evaluateMs: number;
  evaluateCpuMs: number;
  parseMs: number;
  evaluateToParse: number;
  reconcileMs: number;
  reconcileCpuMs: number;
  resweepMs: number;
  peakHeapMB: number;
  /** Heap held by the fake's account data (not present in Lambda), measured after a GC before collecting. */
  accountHeapMB: number;
  /** peakHeapMB − accountHeapMB: what the scanner itself (plus in-process dynalite) held at peak. */
  scannerHeapMB: number;
  /** Peak heapUsed (MB, account data included) per phase: collect, evaluate, sweeps, storm, deployedPath. */
  heapByPhaseMB: Record<string, number>;
  /** heapUsed right after a full GC at the end of each phase: what the phase left alive. */
  liveHeapAfterPhaseMB: Record<string, number>;
  peakRssMB: number;
  /** `securityHubCalls`: Security Hub calls with the export on (securityHub=true). */
  firstSweep: { findingWrites: number; itemWrites: number; publishes: number; securityHubCalls: number };
  resweep: { findingWrites: number; itemWrites: number; publishes: number; securityHubCalls: number };
  storm: StormResult;
  repetitions: number;
}

const MB = 1024 * 1024;

/** `gc()` without a command-line flag (the worker is started through tsx). */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Samples heapUsed every few ms while async work runs; sync phases call `sample()` at their
 * end. A GC at each phase boundary keeps one phase's garbage out of the next one's peak.
 */
function heapSampler(gcNow: () => void) {
  let peak = 0;
  let phase = 'collect';
  const byPhase: Record<string, number> = {};
  const live: Record<string, number> = {};
  const sample = () => {
    const used = process.memoryUsage().heapUsed;
    peak = Math.max(peak, used);
    byPhase[phase] = Math.max(byPhase[phase] ?? 0, used);
  };
  const timer = setInterval(sample, 5);
  timer.unref();
  return {
    sample,
    /** Samples the end of the current phase, then attributes later samples to `next`. */
    phase: (next: string) => {
      sample();
      gcNow();
      live[phase] = process.memoryUsage().heapUsed;
      phase = next;
    },
    liveByPhaseMB: () => Object.fromEntries(Object.entries(live).map(([k, v]) => [k, round(v / MB)])),
    byPhaseMB: () => Object.fromEntries(Object.entries(byPhase).map(([k, v]) => [k, round(v / MB)])),
    peak: () => peak,
    stop: () => clearInterval(timer),
  };
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T } & Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Every phase runs in `--quick` too (only the repetitions, the caller's, are fewer). */
export async function measureSize(size: SizeName, repetitions: number, seed = 1): Promise<SizeResult> {
  const gc = gcFunction();
  const account = generateAccount(size, seed);
  const fake = installFakeAws(account);
  const floor = computeFloor(account);
  const clients = createAwsClients({ credentials: EMULATOR_CREDENTIALS });
  const collect = (now: Date, clusterNames?: string[]) =>
    collectInventory(clients, {
      regions: [account.region],
      accountId: account.accountId,
      now: () => now,
      ...(clusterNames ? { clusterNames } : {}),
    });
  gc();
  const accountHeap = process.memoryUsage().heapUsed;
  const heap = heapSampler(gc);
  try {
    // Collect: the region in one pass (what the CLI and the local stack do).
    const T0 = new Date('2026-03-01T12:00:00.000Z');
    const collected = await timed(() => collect(T0));
    heap.sample();
    const snapshot: Snapshot = collected.value;
    if (snapshot.errors.length > 0)
      throw new Error(`collection errors: ${JSON.stringify(snapshot.errors.slice(0, 3))}`);
    heap.phase('evaluate');
    const apiCalls = { ...fake.calls.byOperation };
    const apiTotal = fake.calls.total();

    // Evaluate vs JSON.parse of the same snapshot, medians of interleaved repetitions.
    const json = JSON.stringify(snapshot);
    const evaluations: Timing[] = [];
    const parses: number[] = [];
    let evaluation = evaluateSnapshot(snapshot, RULES, DEFAULT_RULE_CONFIG);
    for (let r = 0; r < repetitions; r++) {
      const parsed = await timed(() => JSON.parse(json) as Snapshot);
      parses.push(parsed.wallMs);
      heap.sample();
      const evaluated = await timed(() => evaluateSnapshot(parsed.value, RULES, DEFAULT_RULE_CONFIG));
      evaluations.push(evaluated);
      evaluation = evaluated.value;
      heap.sample();
    }
    if (evaluation.errors.length > 0)
      throw new Error(`rule errors: ${JSON.stringify(evaluation.errors.slice(0, 3))}`);
    const findingsByRule: Record<string, number> = {};
    for (const f of evaluation.findings) findingsByRule[f.ruleId] = (findingsByRule[f.ruleId] ?? 0) + 1;

    // First sweep and unchanged re-sweep against dynalite, writes and publishes counted.
    heap.phase('sweeps');
    const dynamo = await startDynalite({ region: account.region, tableName: 'eks-netguard-bench' });
    try {
      const doc = createDocumentClient(dynamo.client);
      const writes = countWrites(doc);
      const store = createFindingsStore({ tableName: dynamo.tableName, client: doc });
      const notifier = new CountingNotifier();
      const securityHub = countingSecurityHub();
      let clock = T0;
      const deps = {
        repository: store,
        suppressions: store,
        notifier,
        clock: { now: () => clock },
        securityHub: securityHub.exporter,
      };
      const first = await timed(() =>
        processSnapshot(deps, {
          scanId: 'bench-first',
          trigger: 'schedule',
          snapshot,
          rules: RULES,
          ruleConfig: DEFAULT_RULE_CONFIG,
        }),
      );
      heap.sample();
      if (first.value.errors.length > 0)
        throw new Error(`first sweep errors: ${JSON.stringify(first.value.errors.slice(0, 3))}`);
      const firstSweep = {
        findingWrites: writes.findingWrites,
        itemWrites: writes.itemWrites,
        publishes: notifier.publishes,
        securityHubCalls: securityHub.calls.count,
      };

      writes.reset();
      notifier.publishes = 0;
      securityHub.calls.count = 0;
      const T1 = new Date(T0.getTime() + 3600_000);
      clock = T1;
      const again = await collect(T1);
      const second = await timed(() =>
        processSnapshot(deps, {
          scanId: 'bench-resweep',
          trigger: 'schedule',
          snapshot: again,
          rules: RULES,
          ruleConfig: DEFAULT_RULE_CONFIG,
        }),
      );
      heap.sample();
      const resweep = {
        findingWrites: writes.findingWrites,
        itemWrites: writes.itemWrites,
        publishes: notifier.publishes,
        securityHubCalls: securityHub.calls.count,
      };

      heap.phase('storm');
      const storm = await runStorm(
        account,
        store,
        (region) => clients.ec2(region),
        () => fake.calls.total(),
      );

      // The deployed path: sweep → SQS FIFO → one scan-vpc per message, on a table of its own.
      heap.phase('deployedPath');
      const deployedTable = 'eks-netguard-bench-deployed';
      await createFindingsTable(dynamo.client, deployedTable);
      const deployedDoc = createDocumentClient(dynamo.client);
      const deployed = {
        clients,
        region: account.region,
        accountId: account.accountId,
        store: createFindingsStore({ tableName: deployedTable, client: deployedDoc }),
        writes: countWrites(deployedDoc),
        floor: floor.total,
        calls: fake.calls,
      };
      const T2 = new Date(T1.getTime() + 3600_000);
      const deployedFirst = await deployedSweep({ ...deployed, at: T2 });
      const deployedSteady = await deployedSweep({ ...deployed, at: new Date(T2.getTime() + 3600_000) });
      heap.phase('done');

      const evaluateMs = median(evaluations.map((e) => e.wallMs));
      const parseMs = median(parses);
      const spec = SIZES[size];
      const acls = snapshot.vpcs.flatMap((v) => v.networkAcls);
      return {
        size,
        clusters: spec.clusters,
        vpcs: spec.vpcs,
        subnets: spec.subnets,
        securityGroups: spec.securityGroups,
        nodeInstances: spec.nodeInstances,
        networkAcls: acls.length,
        networkAclEntries: acls.reduce((n, a) => n + a.Entries.length, 0),
        findings: evaluation.findings.length,
        findingsByRule,
        snapshotBytes: Buffer.byteLength(json),
        apiCalls: {
          total: apiTotal,
          floor: floor.total,
          ratio: round(apiTotal / floor.total, 3),
          byOperation: apiCalls,
          floorByOperation: floor.byOperation,
        },
        deployedScanCalls: { first: deployedFirst, steady: deployedSteady },
        collectMs: round(collected.wallMs),
        collectCpuMs: round(collected.cpuMs),
        evaluateMs: round(evaluateMs),
        evaluateCpuMs: round(median(evaluations.map((e) => e.cpuMs))),
        parseMs: round(parseMs),
        evaluateToParse: round(evaluateMs / parseMs, 2),
        reconcileMs: round(first.wallMs),
        reconcileCpuMs: round(first.cpuMs),
        resweepMs: round(second.wallMs),
        peakHeapMB: round(heap.peak() / MB),
        accountHeapMB: round(accountHeap / MB),
        scannerHeapMB: round((heap.peak() - accountHeap) / MB),
        heapByPhaseMB: heap.byPhaseMB(),
        liveHeapAfterPhaseMB: heap.liveByPhaseMB(),
        peakRssMB: round(process.resourceUsage().maxRSS / 1024),
        firstSweep,
        resweep,
        storm,
        repetitions,
      };
    } finally {
      await dynamo.close();
    }
  } finally {
    heap.stop();
    fake.restore();
  }
}

// Worker entry: `tsx bench/measure.ts <size> <repetitions>` prints one JSON line.
if (process.argv[1]?.endsWith('measure.ts')) {
  const size = (process.argv[2] ?? 'S') as SizeName;
  const repetitions = Number(process.argv[3] ?? 3);
  measureSize(size, repetitions).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(
        `bench ${size} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
