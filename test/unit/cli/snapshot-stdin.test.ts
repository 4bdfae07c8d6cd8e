import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../fixtures/snapshot-builder.ts';
import { run } from './run-cli.ts';

/** A snapshot with one finding (a subnet tagged only for another cluster). */
function oneFindingSnapshot(): string {
  return JSON.stringify(
    buildSnapshot(({ vpc }) => {
      delete vpc.subnets[0]!.Tags['kubernetes.io/cluster/demo'];
      vpc.subnets[0]!.Tags['kubernetes.io/cluster/other'] = 'shared';
    }),
  );
}

/** `{"a":{"a":…1…}}` nested `levels` deep. */
function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

describe('--snapshot-in - (standard input), issue 11 item 6', () => {
  it('scans a snapshot piped on standard input', async () => {
    // Arrange
    const stdin = Readable.from([Buffer.from(oneFindingSnapshot())]);
    // Act
    const result = await run(['scan', '--snapshot-in', '-', '--format', 'json'], { stdin });
    // Assert
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'subnet-cluster-tag-missing',
    ]);
  });

  it('refuses garbage on standard input with one line and exit 2', async () => {
    const result = await run(['scan', '--snapshot-in', '-'], { stdin: Readable.from(['not json']) });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('standard input: not valid JSON');
  });

  it('reads standard input through the real entry point (a pipe)', () => {
    const child = spawnSync(
      process.execPath,
      ['bin/eks-netguard.mjs', 'scan', '--snapshot-in', '-', '--format', 'json'],
      {
        input: oneFindingSnapshot(),
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: '/nonexistent-home' },
      },
    );
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout).findings).toHaveLength(1);
  });
});

describe('deeply nested JSON, issue 11 item 6', () => {
  it('gets the one-line "not a valid snapshot" error, not a stack overflow (200,000 levels)', async () => {
    // Arrange
    const path = join(tmpdir(), `netguard-deep-${process.pid}.json`);
    writeFileSync(path, nested(200_000));
    // Act
    const result = await run(['scan', '--snapshot-in', path]);
    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('not a valid snapshot: nested more than 64 levels deep');
    expect(result.stderr).not.toMatch(/call stack/i);
  });

  it('refuses the same document on standard input', async () => {
    const result = await run(['scan', '--snapshot-in', '-'], { stdin: Readable.from([nested(200_000)]) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('standard input: not a valid snapshot: nested more than 64 levels deep');
  });
});
