/**
 * What a scan covers: `--region` values (repeatable, comma lists, `all`), the region
 * of a live scan when no flag names one, and the narrowing of a file or demo snapshot
 * to the requested regions and clusters — with a warning for a region the snapshot
 * does not hold and a "did you mean" for a mistyped cluster name.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { Snapshot } from '../core/snapshot.ts';
import type { AwsProfile } from './aws-profile.ts';
import { UsageError } from './errors.ts';

/** Region names such as `us-east-1`, `eu-central-2`, `us-gov-west-1`, `us-isob-east-1`. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function validateRegion(region: string, source: string): string {
  if (!REGION_PATTERN.test(region)) {
    throw new UsageError(
      `invalid region "${region}" from ${source}: expected a region name such as us-east-1, or all`,
    );
  }
  return region;
}

/** The `--region` values: region names (deduplicated, in the order given) or every region. */
export type RegionSelection = { all: true } | { all: false; names: string[] };

/**
 * Parses repeated `--region` values, each a name, a comma list (`us-east-1,eu-west-1`,
 * spaces allowed) or `all`.
 * @throws UsageError on a malformed name, an empty list item, or `all` mixed with names
 */
export function parseRegionFlags(values: readonly string[]): RegionSelection | undefined {
  if (values.length === 0) return undefined;
  const items = values.flatMap((value) => value.split(',')).map((item) => item.trim());
  if (items.some((item) => item === ''))
    throw new UsageError(`invalid --region "${values.join(',')}": empty region name in the list`);
  const all = items.filter((item) => item.toLowerCase() === 'all');
  if (all.length > 0) {
    if (all.length !== items.length)
      throw new UsageError('--region all already covers every region: drop the other region names');
    return { all: true };
  }
  return { all: false, names: [...new Set(items.map((item) => validateRegion(item, '--region')))] };
}

/**
 * The region of a live scan without `--region`, in the AWS CLI's order: AWS_REGION,
 * AWS_DEFAULT_REGION, then the active profile's `region` in the config file.
 */
export function defaultRegion(
  env: Readonly<Record<string, string | undefined>>,
  profile: AwsProfile,
): string | undefined {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const value = env[name]?.trim();
    if (value) return validateRegion(value, name);
  }
  if (profile.region)
    return validateRegion(profile.region, `profile "${profile.name}" in ${profile.configFileLabel}`);
  return undefined;
}

/** The regions of a live scan: the flag, else the default region. */
export function liveRegions(
  selection: RegionSelection | undefined,
  fallback: string | undefined,
  profile: AwsProfile,
): string[] | 'all' {
  if (selection?.all) return 'all';
  if (selection) return selection.names;
  if (fallback) return [fallback];
  throw new UsageError(
    'no region to scan: pass --region us-east-1 (repeatable, comma list or all), set AWS_REGION, ' +
      `or set region in profile "${profile.name}" of ${profile.configFileLabel}`,
  );
}

/** Regions of a snapshot: those collected, plus any a cluster or VPC sits in. */
function snapshotRegions(snapshot: Snapshot): string[] {
  return [
    ...new Set([
      ...snapshot.regions,
      ...snapshot.clusters.map((c) => c.region),
      ...snapshot.vpcs.map((v) => v.region),
    ]),
  ];
}

export interface Narrowed {
  snapshot: Snapshot;
  /** One line per requested region the snapshot does not hold: nothing was scanned there. */
  warnings: string[];
}

/** Keeps only the requested regions (`all`: every region of the snapshot) and clusters. */
export function narrowSnapshot(
  snapshot: Snapshot,
  selection: RegionSelection | undefined,
  clusterNames: string[],
  source: string,
): Narrowed {
  const held = snapshotRegions(snapshot);
  const requested = selection === undefined || selection.all ? [] : selection.names;
  const absent = requested.filter((r) => !held.includes(r));
  const warnings = absent.map(
    (r) =>
      `region ${r} is not in ${source} (it holds ${held.join(', ') || 'no region'}); nothing was scanned there`,
  );
  const regions = requested.filter((r) => held.includes(r));
  const narrowing = requested.length > 0;
  const regionOk = (r: string) => !narrowing || regions.includes(r);
  const clusterOk = (name: string | undefined) =>
    clusterNames.length === 0 || name === undefined || clusterNames.includes(name);
  const clusters = snapshot.clusters.filter((c) => regionOk(c.region) && clusterOk(c.cluster.name));
  const usedVpcs = new Set(clusters.map((c) => `${c.region}/${c.vpcId}`));
  return {
    warnings,
    snapshot: {
      ...snapshot,
      regions: narrowing ? regions : snapshot.regions,
      clusters,
      vpcs:
        clusterNames.length === 0
          ? snapshot.vpcs.filter((v) => regionOk(v.region))
          : snapshot.vpcs.filter((v) => usedVpcs.has(`${v.region}/${v.vpcId}`)),
      errors: snapshot.errors.filter((e) => regionOk(e.region) && clusterOk(e.clusterName)),
    },
  };
}

/**
 * The closest known name to a mistyped one, when it is close enough to be a typo:
 * at most a third of the name's length in edits (and at least one edit allowed).
 */
export function suggestName(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const candidate = closest(name, [...known]);
  return distance(name, candidate) <= Math.max(1, Math.floor(name.length / 3)) ? candidate : undefined;
}

/**
 * A `--cluster` that matched nothing is reported as a collection error (exit 2), never
 * silently scanned as "no findings"; a near miss of a known name is suggested.
 * @param knownNames cluster names seen (the snapshot's; a live scan adds the listed ones)
 */
export function reportMissingClusters(
  snapshot: Snapshot,
  clusterNames: string[],
  knownNames: readonly string[],
): Snapshot {
  const missing = clusterNames.filter(
    (name) =>
      !snapshot.clusters.some((c) => c.cluster.name === name) &&
      !snapshot.errors.some((e) => e.clusterName === name),
  );
  if (missing.length === 0) return snapshot;
  const where = snapshot.regions.join(', ') || '(none)';
  return {
    ...snapshot,
    errors: [
      ...snapshot.errors,
      ...missing.map((name) => {
        const suggestion = suggestName(name, knownNames);
        return {
          region: snapshot.regions.join(',') || 'unknown',
          operation: 'DescribeCluster',
          message:
            `cluster "${name}" not found in region(s) ${where}` +
            (suggestion ? `; did you mean "${suggestion}"?` : ''),
          clusterName: name,
        };
      }),
    ],
  };
}
