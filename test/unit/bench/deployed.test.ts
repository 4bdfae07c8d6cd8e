/**
 * The deployed path at the API-call floor (issue 14), on the bench's S account: a sweep
 * through the real sweep and scan-vpc handlers costs ≤ 1.1 × the floor, on a fresh store
 * and an hour later; the unchanged re-sweep writes and publishes nothing; the 1,000-event
 * storm over 3 VPCs makes ≤ 1 scan per VPC per window, ≤ 50 EC2 and ≤ 100 SQS calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countWrites } from '../../../bench/counting.ts';
import { type DeployedSweepResult, deployedSweep } from '../../../bench/deployed.ts';
import { computeFloor, type FakeAws, installFakeAws } from '../../../bench/fake-aws.ts';
import { generateAccount } from '../../../bench/generator.ts';
import { runStorm, type StormResult } from '../../../bench/storm.ts';
import { createAwsClients, EMULATOR_CREDENTIALS } from '../../../functions/adapters/aws-clients.ts';
import { type DynaliteServer, startDynalite } from '../../../functions/adapters/dynalite-server.ts';
import { createDocumentClient, createFindingsStore } from '../../../functions/adapters/findings-store.ts';

const account = generateAccount('S', 1);
let fake: FakeAws;
let dynalite: DynaliteServer;
let first: DeployedSweepResult;
let steady: DeployedSweepResult;
let storm: StormResult;

beforeAll(async () => {
  // Arrange / Act: two scheduled sweeps an hour apart, then the storm, all on the fake AWS.
  fake = installFakeAws(account);
  dynalite = await startDynalite({ region: account.region });
  const client = createDocumentClient(dynalite.client);
  const store = createFindingsStore({ tableName: dynalite.tableName, client });
  const clients = createAwsClients({ credentials: EMULATOR_CREDENTIALS });
  const input = {
    clients,
    region: account.region,
    accountId: account.accountId,
    store,
    writes: countWrites(client),
    floor: computeFloor(account).total,
    calls: fake.calls,
  };
  const at = new Date('2026-03-01T12:00:00.000Z');
  first = await deployedSweep({ ...input, at });
  steady = await deployedSweep({ ...input, at: new Date(at.getTime() + 3600_000) });
  storm = await runStorm(
    account,
    store,
    (region) => clients.ec2(region),
    () => fake.calls.total(),
  );
}, 120_000);

afterAll(async () => {
  fake?.restore();
  await dynalite?.close();
});

describe('deployed path on the S account', () => {
  it('sweeps at ≤ 1.1 × the API-call floor, before and after the store knows the VPCs', () => {
    expect(first.batchItemFailures + steady.batchItemFailures).toBe(0);
    expect(first.ratio).toBeLessThanOrEqual(1.1);
    expect(steady.ratio).toBeLessThanOrEqual(1.1);
    expect(steady.scanMessages).toBe(new Set(account.clusters.map((c) => c.resourcesVpcConfig!.vpcId)).size);
  });

  it('writes no finding and publishes nothing on the unchanged re-sweep', () => {
    expect(first.findingWrites).toBeGreaterThan(0);
    expect(steady.findingWrites).toBe(0);
    expect(steady.publishes).toBe(0);
  });

  it('turns the 1,000-event storm into ≤ 1 scan per VPC per window with ≤ 50 EC2 and ≤ 100 SQS calls', () => {
    expect(storm.handlerErrors).toBe(0);
    expect(storm.maxScansPerVpcWindow).toBe(1);
    expect(storm.ec2Calls).toBeLessThanOrEqual(50);
    expect(storm.sqsSendCalls).toBeLessThanOrEqual(100);
  });
});
