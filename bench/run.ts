/**
 * `npm run bench -- [--quick] [--json] [--out FILE]`: measures the S, M, L and NACL
 * (network-ACL heavy) accounts (one fresh process per size, so heap figures belong to that
 * size) and the cold start of every Lambda bundle, then prints a table or, with `--json`,
 * the result object of DESIGN.md "Benchmark JSON". `--quick` measures S, M and NACL with
 * fewer repetitions (about a minute); a full run writes `bench/results.json` unless
 * `--out` says otherwise.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { type ColdStartResult, measureColdStart } from './cold-start.ts';
import type { SizeName } from './generator.ts';
import type { SizeResult } from './measure.ts';
import { measurePlanned, type PlannedResult } from './planned.ts';

/** The issue's targets; each result row says whether it met them. */
export const TARGETS = {
  apiCallsToFloor: 1.1,
  /** The storm of 1,000 events over 3 VPCs. */
  stormEc2Calls: 50,
  stormSqsCalls: 100,
  evaluateToParse: 2,
  peakHeapMB: 512,
  initToBaseline: 1.15,
} as const;

interface Args {
  quick: boolean;
  json: boolean;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--out') args.out = argv[++i];
    else {
      process.stderr.write(
        `unknown option ${arg}; usage: npm run bench -- [--quick] [--json] [--out FILE]\n`,
      );
      process.exit(2);
    }
  }
  return args;
}

/** Runs `measure.ts` for one size in a fresh Node process and parses its JSON line. */
function measureInChild(size: SizeName, repetitions: number, quick: boolean): Promise<SizeResult> {
  const script = resolve(import.meta.dirname, 'measure.ts');
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        // The heap target as a hard limit: a size that needs more than 512 MB of heap
        // (fake account data and in-process dynalite included) crashes instead of passing.
        `--max-old-space-size=${TARGETS.peakHeapMB}`,
        '--import',
        'tsx',
        script,
        size,
        String(repetitions),
        quick ? 'quick' : 'full',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', NODE_NO_WARNINGS: '1' },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code) => {
      if (code !== 0)
        return fail(new Error(`size ${size} failed (exit ${code}): ${err.trim().slice(-2000)}`));
      try {
        done(JSON.parse(out.trim().split('\n').at(-1) ?? '') as SizeResult);
      } catch (error) {
        fail(new Error(`size ${size} printed no result: ${String(error)}`));
      }
    });
  });
}

function check(result: SizeResult) {
  return {
    apiCalls: result.apiCalls.ratio <= TARGETS.apiCallsToFloor,
    deployedApiCalls:
      result.deployedScanCalls.first.ratio <= TARGETS.apiCallsToFloor &&
      result.deployedScanCalls.steady.ratio <= TARGETS.apiCallsToFloor,
    deployedResweep:
      result.deployedScanCalls.steady.findingWrites === 0 && result.deployedScanCalls.steady.publishes === 0,
    evaluate: result.evaluateToParse <= TARGETS.evaluateToParse,
    heap: result.scannerHeapMB <= TARGETS.peakHeapMB,
    resweep:
      result.resweep.findingWrites === 0 &&
      result.resweep.publishes === 0 &&
      result.resweep.securityHubCalls === 0,
    storm:
      result.storm.maxScansPerVpcWindow <= 1 &&
      result.storm.ec2Calls <= TARGETS.stormEc2Calls &&
      result.storm.sqsSendCalls <= TARGETS.stormSqsCalls,
  };
}

function table(results: SizeResult[], coldStart: ColdStartResult[]): string {
  const lines: string[] = [];
  const row = (cells: (string | number)[]) => lines.push(`| ${cells.join(' | ')} |`);
  row(['figure', ...results.map((r) => r.size)]);
  row(['---', ...results.map(() => '---:')]);
  const fig = (name: string, f: (r: SizeResult) => string | number) => row([name, ...results.map(f)]);
  fig(
    'clusters / VPCs / subnets / SGs / nodes',
    (r) => `${r.clusters} / ${r.vpcs} / ${r.subnets} / ${r.securityGroups} / ${r.nodeInstances}`,
  );
  fig('network ACLs / entries', (r) => `${r.networkAcls} / ${r.networkAclEntries}`);
  fig('findings', (r) => r.findings);
  fig('API calls (× floor)', (r) => `${r.apiCalls.total} (${r.apiCalls.ratio}×)`);
  fig(
    'deployed sweep calls, first / steady (× floor)',
    (r) =>
      `${r.deployedScanCalls.first.total} (${r.deployedScanCalls.first.ratio}×) / ${r.deployedScanCalls.steady.total} (${r.deployedScanCalls.steady.ratio}×)`,
  );
  fig(
    'deployed scan messages, first / steady',
    (r) => `${r.deployedScanCalls.first.scanMessages} / ${r.deployedScanCalls.steady.scanMessages}`,
  );
  fig(
    'deployed steady sweep writes / publishes',
    (r) => `${r.deployedScanCalls.steady.findingWrites} / ${r.deployedScanCalls.steady.publishes}`,
  );
  fig('collect ms wall / CPU', (r) => `${r.collectMs} / ${r.collectCpuMs}`);
  fig('evaluate ms (× JSON.parse)', (r) => `${r.evaluateMs} (${r.evaluateToParse}×)`);
  fig('JSON.parse ms', (r) => r.parseMs);
  fig('first sweep ms wall / CPU', (r) => `${r.reconcileMs} / ${r.reconcileCpuMs}`);
  fig(
    'peak heap MB: scanner (total, fake account data)',
    (r) => `${r.scannerHeapMB} (${r.peakHeapMB}, ${r.accountHeapMB})`,
  );
  fig(
    'live heap MB after collect / sweeps',
    (r) => `${r.liveHeapAfterPhaseMB.collect} / ${r.liveHeapAfterPhaseMB.sweeps}`,
  );
  fig('peak RSS MB', (r) => r.peakRssMB);
  fig(
    'first sweep writes / publishes / Security Hub calls',
    (r) => `${r.firstSweep.findingWrites} / ${r.firstSweep.publishes} / ${r.firstSweep.securityHubCalls}`,
  );
  fig(
    're-sweep writes / publishes / Security Hub calls',
    (r) => `${r.resweep.findingWrites} / ${r.resweep.publishes} / ${r.resweep.securityHubCalls}`,
  );
  fig(
    'storm scans (VPCs × windows), EC2 / SQS calls',
    (r) =>
      `${r.storm.scansEnqueued} (${r.storm.vpcs} × ${r.storm.windows}), ${r.storm.ec2Calls} / ${r.storm.sqsSendCalls}`,
  );
  lines.push('');
  lines.push('| function | bundle bytes | init ms | baseline ms | × baseline | EC2/EKS client |');
  lines.push('|---|---:|---:|---:|---:|---|');
  for (const c of coldStart)
    lines.push(
      `| ${c.function} | ${c.bundleBytes} | ${c.initMs} | ${c.baselineInitMs} | ${c.ratio} | ${c.hasEc2OrEksClient ? 'yes' : 'no'} |`,
    );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const sizes: SizeName[] = args.quick ? ['S', 'M', 'NACL'] : ['S', 'M', 'L', 'NACL'];
  const repetitions = args.quick ? 3 : 5;
  const machine = {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    memoryMB: Math.round(totalmem() / 1024 / 1024),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    quick: args.quick,
    repetitions,
    startedAt: new Date(started).toISOString(),
  };
  const results: SizeResult[] = [];
  let coldStart: ColdStartResult[];
  if (args.quick) {
    // Quick mode runs everything side by side: only ratios measured in one process
    // (or interleaved, for cold starts) are meaningful then.
    const [sized, cold] = await Promise.all([
      Promise.all(sizes.map((s) => measureInChild(s, repetitions, true))),
      measureColdStart(2),
    ]);
    results.push(...sized);
    coldStart = cold;
  } else {
    for (const size of sizes) {
      if (!args.json) process.stderr.write(`measuring ${size}…\n`);
      results.push(await measureInChild(size, repetitions, false));
    }
    if (!args.json) process.stderr.write('measuring cold starts…\n');
    // 21 interleaved runs: on a shared machine 11 left the ratios moving by ±0.15.
    coldStart = await measureColdStart(21);
  }
  // Planned infrastructure (scan --template): alone, after the sizes, so nothing competes with it.
  const planned: PlannedResult = await measurePlanned(args.quick ? 3 : 5);
  const output = {
    machine: {
      ...machine,
      loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
      durationS: Math.round((Date.now() - started) / 1000),
    },
    targets: TARGETS,
    results: results.map((r) => ({ ...r, meets: check(r) })),
    planned,
    coldStart: coldStart.map((c) => ({
      ...c,
      meets: {
        init: c.ratio <= TARGETS.initToBaseline,
        ...(c.function === 'api' ? { noEc2OrEksClient: !c.hasEc2OrEksClient } : {}),
      },
    })),
  };
  const out = args.out ?? (args.quick ? undefined : resolve(import.meta.dirname, 'results.json'));
  if (out) writeFileSync(out, `${JSON.stringify(output, null, 2)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  else
    process.stdout.write(
      `${table(results, coldStart)}\n\nplanned template: ${planned.resources} resources (${planned.bytes} bytes), scan ${planned.scanMs} ms (${planned.scanToParse}× JSON.parse ${planned.parseMs} ms), target < 2000 ms: ${planned.meetsTarget ? 'met' : 'MISSED'}\n\n${out ? `written to ${out}\n` : ''}`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
