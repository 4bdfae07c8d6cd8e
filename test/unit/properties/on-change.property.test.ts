/**
 * Property: whatever EventBridge delivers to on-change — any JSON value, or a real
 * CloudTrail sample with any field replaced by anything — the handler answers
 * `ignored` or `enqueued`, never throws, and only ever enqueues scan requests that the
 * scan-cluster Lambda will accept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScanRequest, type ScanRequest } from '../../../functions/core/scan-request.ts';
import { handler, type OnChangeDeps, setOnChangeDeps } from '../../../functions/handlers/on-change.ts';
import { silentLogger } from '../faults/world.ts';

const DIR = join(import.meta.dirname, '../../../events/cloudtrail');
const SAMPLES: Record<string, unknown>[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')));

let enqueued: ScanRequest[] = [];

const deps: OnChangeDeps = {
  queue: {
    async enqueue(requests) {
      enqueued.push(...requests);
      return { sent: requests.length, merged: 0, failed: [] };
    },
  },
  // Every id resolves to a VPC holding one cluster; unresolved ids fall back to the region.
  resolver: {
    async resolveVpcIds(_region, refs) {
      return { vpcIds: refs.length > 0 ? ['vpc-1'] : [], unresolved: [] };
    },
  },
  index: {
    clusterNamesInVpc: async () => ['blue'],
    clustersInRegion: async () => [{ clusterName: 'blue', vpcId: 'vpc-1' }, { clusterName: 'green' }],
  },
  logger: silentLogger(),
  now: () => new Date('2026-03-01T12:00:00.000Z'),
};

/** Sets `value` at `path` inside a copy of `base` (creating objects on the way). */
function mutate(base: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
  return copy;
}

const FIELDS = [
  ['id'],
  ['account'],
  ['region'],
  ['source'],
  ['detail-type'],
  ['detail'],
  ['detail', 'eventName'],
  ['detail', 'eventSource'],
  ['detail', 'awsRegion'],
  ['detail', 'recipientAccountId'],
  ['detail', 'errorCode'],
  ['detail', 'requestParameters'],
  ['detail', 'responseElements'],
  ['detail', 'requestParameters', 'name'],
  ['detail', 'requestParameters', 'clusterName'],
  ['detail', 'requestParameters', 'groupId'],
  ['detail', 'requestParameters', 'resourcesSet'],
  ['detail', 'requestParameters', 'resourceArn'],
];

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    'a'.repeat(10_000),
    '__proto__',
    'sg-',
    'vpc-',
    '\u0024{jndi:x}',
  ),
);
const anyValue = fc.oneof(fc.anything({ maxDepth: 3 }), hostileString, fc.constant(null));

const event = fc.oneof(
  anyValue,
  fc
    .tuple(fc.constantFrom(...SAMPLES), fc.constantFrom(...FIELDS), anyValue)
    .map(([sample, path, value]) => mutate(sample, path, value)),
  fc
    .tuple(
      fc.constantFrom(...SAMPLES),
      fc.array(fc.tuple(fc.constantFrom(...FIELDS), anyValue), { maxLength: 4 }),
    )
    .map(([sample, edits]) =>
      edits.reduce<unknown>((acc, [path, value]) => mutate(acc, path, value), sample),
    ),
);

describe('on-change with arbitrary events', () => {
  it('never throws, and enqueues only scan requests scan-vpc accepts', async () => {
    setOnChangeDeps(deps);
    try {
      await fc.assert(
        fc.asyncProperty(event, async (input) => {
          enqueued = [];
          const result = await handler(input);
          expect(['ignored', 'enqueued']).toContain(result.status);
          for (const request of enqueued) {
            const parsed = parseScanRequest(JSON.stringify(request));
            expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
          }
          if (result.status === 'ignored') expect(enqueued).toEqual([]);
        }),
        { numRuns: 400, seed: 7 },
      );
    } finally {
      setOnChangeDeps(undefined);
    }
  });

  it('still maps every unmodified sample (the generator is not just producing garbage)', async () => {
    setOnChangeDeps(deps);
    try {
      let enqueuedSamples = 0;
      for (const sample of SAMPLES) {
        enqueued = [];
        if ((await handler(structuredClone(sample))).status === 'enqueued') enqueuedSamples++;
      }
      expect(enqueuedSamples).toBeGreaterThan(SAMPLES.length / 2);
    } finally {
      setOnChangeDeps(undefined);
    }
  });
});
