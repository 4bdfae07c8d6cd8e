/**
 * The api function's bundle must hold no EC2 or EKS client (issue 6: cold start and least
 * privilege): listing regions and clusters for `POST /scans` is the sweep's job. esbuild
 * bundles each handler as serverless-esbuild does and its metafile names every package
 * that contributes bytes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledPackages } from './sdk-calls.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('api function bundle', () => {
  it('contains no @aws-sdk/client-ec2 or @aws-sdk/client-eks, and the Lambda client that hands scans on', async () => {
    // Act
    const packages = await bundledPackages(ROOT, 'functions/handlers/api.ts');
    // Assert
    expect(packages.has('@aws-sdk/client-lambda')).toBe(true);
    expect(packages.has('@aws-sdk/client-sqs')).toBe(true);
    expect([...packages].filter((p) => p === '@aws-sdk/client-ec2' || p === '@aws-sdk/client-eks')).toEqual(
      [],
    );
  }, 60_000);

  it('is detected: the sweep bundle, which lists clusters, does contain both clients', async () => {
    // Act
    const packages = await bundledPackages(ROOT, 'functions/handlers/sweep.ts');
    // Assert
    expect(packages.has('@aws-sdk/client-ec2')).toBe(true);
    expect(packages.has('@aws-sdk/client-eks')).toBe(true);
  }, 60_000);
});
