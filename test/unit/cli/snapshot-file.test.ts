import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  readSnapshotFile,
  SnapshotFileError,
  writeSnapshotFile,
} from '../../../functions/adapters/snapshot-file.ts';
import { demoSnapshot } from '../../../functions/cli/demo-account.ts';
import { buildSnapshot } from '../../fixtures/snapshot-builder.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netguard-snapshot-'));
});

describe('snapshot file', () => {
  it('round-trips a snapshot through write and read unchanged', async () => {
    const path = join(dir, 'demo.json');
    const snapshot = demoSnapshot();
    await writeSnapshotFile(path, snapshot);
    expect(await readSnapshotFile(path)).toEqual(snapshot);
    expect(await readFile(path, 'utf8')).toContain('\n  "schemaVersion": 1,');
  });

  it('refuses a file above the size limit before parsing it', async () => {
    const path = join(dir, 'big.json');
    await writeFile(path, 'x'.repeat(2048));
    const error = await readSnapshotFile(path, { maxBytes: 1024 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SnapshotFileError);
    expect((error as Error).message).toBe(
      `${path}: snapshot file is 2.0 KiB, above the 1.0 KiB limit; scan fewer regions or clusters`,
    );
  });

  it('reports a missing file in one line', async () => {
    await expect(readSnapshotFile(join(dir, 'nope.json'))).rejects.toThrow(
      /^cannot read snapshot file .*nope\.json: no such file$/,
    );
  });

  it('reports malformed JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"schemaVersion": 1,');
    await expect(readSnapshotFile(path)).rejects.toThrow(`${path}: not valid JSON`);
  });

  it('names the first invalid field of a wrong-shaped snapshot', async () => {
    const path = join(dir, 'wrong.json');
    const snapshot = buildSnapshot() as unknown as { clusters: { cluster: { name: unknown } }[] };
    snapshot.clusters[0]!.cluster.name = 42;
    await writeFile(path, JSON.stringify(snapshot));
    await expect(readSnapshotFile(path)).rejects.toThrow(
      `${path}: not a valid snapshot: clusters[0].cluster.name: expected string, received number`,
    );
  });

  it('rejects an unknown schema version', async () => {
    const path = join(dir, 'v2.json');
    await writeFile(path, JSON.stringify({ ...buildSnapshot(), schemaVersion: 2 }));
    await expect(readSnapshotFile(path)).rejects.toThrow(/not a valid snapshot: schemaVersion:/);
  });
});
