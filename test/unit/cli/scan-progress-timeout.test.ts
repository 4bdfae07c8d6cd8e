/**
 * Long scans: `--timeout` (the whole-scan deadline handed to the live collector, with
 * a backstop when the collector itself hangs) and progress on stderr (`--progress`,
 * or a terminal), never on stdout.
 */
import { describe, expect, it } from 'vitest';
import type { LiveCollectRequest } from '../../../functions/cli/live-source.ts';
import { type ProgressStream, progressMode } from '../../../functions/cli/progress.ts';
import { buildSnapshot } from '../../fixtures/snapshot-builder.ts';
import { run } from './run-cli.ts';

const LIVE = ['scan', '--region', 'us-east-1,eu-west-1'];

/** A non-terminal stream (a CI log) that keeps what is written to it. */
function logStream(): ProgressStream & { text: () => string } {
  let text = '';
  return Object.assign(
    {
      write: (chunk: string | Uint8Array) => {
        text += chunk.toString();
        return true;
      },
      isTTY: false,
    } as unknown as ProgressStream,
    { text: () => text },
  );
}

/** A collector that reports progress the way the real one does, then returns a snapshot. */
async function collectWithProgress(request: LiveCollectRequest) {
  request.onRegions?.(['us-east-1', 'eu-west-1']);
  request.onProgress?.({ region: 'us-east-1', stage: 'clusters', clusters: 2 });
  request.onProgress?.({ region: 'us-east-1', stage: 'vpcs', vpcs: 1 });
  request.onCallSettled?.({
    service: 'ec2',
    region: 'us-east-1',
    operation: 'DescribeSubnets',
    durationMs: 7_200,
    ok: true,
  });
  request.onProgress?.({ region: 'us-east-1', stage: 'done', clusters: 2, vpcs: 1 });
  request.onProgress?.({ region: 'eu-west-1', stage: 'done', clusters: 0, vpcs: 0 });
  return buildSnapshot();
}

describe('--timeout', () => {
  it('hands the collector a deadline that fires after the given duration, named in messages', async () => {
    // Arrange
    let request: LiveCollectRequest | undefined;

    // Act
    await run([...LIVE, '--timeout', '90s'], {
      collect: async (r) => {
        request = r;
        return buildSnapshot();
      },
    });

    // Assert
    expect(request?.deadline?.description).toBe('scan deadline (--timeout 90s)');
    expect(request?.deadline?.signal.aborted).toBe(false);
  });

  it('defaults to 10 minutes', async () => {
    let description: string | undefined;
    await run(LIVE, {
      collect: async (r) => {
        description = r.deadline?.description;
        return buildSnapshot();
      },
    });
    expect(description).toBe('scan deadline (--timeout 10m)');
  });

  it('ends a collection that ignores the deadline with exit 2 and one line', async () => {
    const result = await run([...LIVE, '--timeout', '50ms'], { collect: () => new Promise(() => {}) });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'eks-netguard: the scan did not finish within the scan deadline (--timeout 50ms)\n',
    );
  });

  it.each(['90', 'soon', '0s', '-5m', '2d'])('refuses --timeout %s naming the flag', async (value) => {
    const result = await run(['scan', '--demo', '--timeout', value]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^eks-netguard: invalid --timeout ".*": expected a duration with a unit/);
  });
});

describe('progress', () => {
  it('with --progress on a non-terminal: regions, clusters and VPCs done out of total, and slow calls, on stderr only', async () => {
    // Arrange
    const stream = logStream();

    // Act
    const result = await run([...LIVE, '--progress', '--format', 'json'], {
      collect: collectWithProgress,
      stderrStream: stream,
    });

    // Assert
    expect(result.code).toBe(0);
    expect(() => JSON.parse(result.stdout)).not.toThrow();
    expect(stream.text().split('\n')).toEqual([
      'eks-netguard: progress: slow: DescribeSubnets in us-east-1 took 7.2s',
      'eks-netguard: progress: us-east-1 done (2 cluster(s), 1 VPC(s)); regions 1/2 · clusters 2/2 · VPCs 1/1 · 1 AWS calls',
      'eks-netguard: progress: eu-west-1 done (0 cluster(s), 0 VPC(s)); regions 2/2 · clusters 2/2 · VPCs 1/1 · 1 AWS calls',
      '',
    ]);
  });

  it('prints nothing on a non-terminal without --progress', async () => {
    const stream = logStream();

    await run([...LIVE, '--format', 'json'], { collect: collectWithProgress, stderrStream: stream });

    expect(stream.text()).toBe('');
  });

  it('uses a spinner on a terminal, plain lines only when asked for, and nothing otherwise', () => {
    const tty = { isTTY: true, columns: 120 } as ProgressStream;
    const pipe = { isTTY: false } as ProgressStream;

    expect([progressMode(false, tty), progressMode(true, pipe), progressMode(false, pipe)]).toEqual([
      'spinner',
      'lines',
      'off',
    ]);
  });
});
