/**
 * The planned-infrastructure sources of `scan`: `--template FILE... [--parameter K=V]...`
 * and `--terraform-plan FILE`. Reads them into a planned snapshot; every input problem is
 * a one-line usage error (exit 2).
 */

import type { PlannedScan } from '../adapters/planned/cloudformation.ts';
import { readTemplates } from '../adapters/planned/cloudformation.ts';
import { PlannedInputError } from '../adapters/planned/errors.ts';
import { readTerraformPlan } from '../adapters/planned/terraform-plan.ts';
import { UsageError } from './errors.ts';

export interface PlannedSourceOptions {
  template?: readonly string[];
  parameters?: readonly string[];
  terraformPlan?: string;
  /** `--region` values as typed. */
  region: readonly string[];
}

/** `Key=Value` pairs of `--parameter`; the value may contain `=`. */
export function parseParameters(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0)
      throw new UsageError(
        `invalid --parameter "${value}": expected Key=Value, e.g. --parameter VpcBlock=10.0.0.0/16`,
      );
    out[value.slice(0, at).trim()] = value.slice(at + 1);
  }
  return out;
}

function explicitRegion(
  values: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const typed = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (typed.includes('all'))
    throw new UsageError(
      '--region all does not apply to --template/--terraform-plan: name the one region they deploy to',
    );
  if (typed.length > 1)
    throw new UsageError(`--template/--terraform-plan deploy to one region; got ${typed.join(', ')}`);
  return typed[0] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

/** Whether the options ask for a planned scan. */
export function isPlannedScan(options: PlannedSourceOptions): boolean {
  return (options.template?.length ?? 0) > 0 || options.terraformPlan !== undefined;
}

export async function loadPlanned(
  options: PlannedSourceOptions,
  env: Readonly<Record<string, string | undefined>>,
  scannedAt: string,
): Promise<PlannedScan> {
  if ((options.template?.length ?? 0) > 0 && options.terraformPlan !== undefined)
    throw new UsageError('--template and --terraform-plan cannot be used together; scan them one at a time');
  if ((options.parameters?.length ?? 0) > 0 && (options.template?.length ?? 0) === 0)
    throw new UsageError('--parameter applies to --template only');
  const region = explicitRegion(options.region, env);
  try {
    if (options.terraformPlan !== undefined)
      return await readTerraformPlan({
        file: options.terraformPlan,
        ...(region ? { region } : {}),
        scannedAt,
      });
    if (!region)
      throw new UsageError(
        '--template needs the region the stacks deploy to: pass --region R (or set AWS_REGION)',
      );
    return await readTemplates({
      files: options.template ?? [],
      parameters: parseParameters(options.parameters ?? []),
      region,
      scannedAt,
    });
  } catch (error) {
    if (error instanceof PlannedInputError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}
