/**
 * `scan --terraform-plan FILE`: the JSON of `terraform show -json plan.out` → a planned
 * snapshot. Resources come from `planned_values` (every module, the terraform-aws-modules
 * `vpc` and `eks` modules included); values unknown after apply are recovered from the
 * `configuration` section's references where it names their source (see
 * `terraform-refs.ts`), else they are deploy-time values and the rules that need them are
 * not judged. A plan carries no line numbers: findings give the resource address.
 */
import { FieldReader } from './cfn-fields.ts';
import { PLANNED_ACCOUNT_ID, type PlannedScan } from './cloudformation.ts';
import { PlannedInputError } from './errors.ts';
import { readInputFile } from './input-file.ts';
import { type IdKind, plannedId, standInEip, vpcDefaultIds } from './planned-ids.ts';
import { PlannedInventory, type PlannedLaunch } from './planned-inventory.ts';
import { knownValues, TerraformIndex, type TfModuleConfig, type TfResource } from './terraform-refs.ts';
import { TF_MAPPERS } from './terraform-resources.ts';

export interface PlanScanOptions {
  file: string;
  /** `--region`, else the AWS provider's region in the plan, else the environment's. */
  region?: string;
  scannedAt: string;
}

const ID_KIND: Record<string, IdKind> = {
  aws_vpc: 'vpc',
  aws_subnet: 'subnet',
  aws_route_table: 'routeTable',
  aws_default_route_table: 'routeTable',
  aws_internet_gateway: 'internetGateway',
  aws_egress_only_internet_gateway: 'egressOnlyInternetGateway',
  aws_nat_gateway: 'natGateway',
  aws_eip: 'eipAllocation',
  aws_security_group: 'securityGroup',
  aws_vpc_endpoint: 'vpcEndpoint',
  aws_network_acl: 'networkAcl',
  aws_default_network_acl: 'networkAcl',
  aws_flow_log: 'flowLog',
  aws_launch_template: 'launchTemplate',
  aws_ec2_transit_gateway: 'transitGateway',
};

interface PlanModule {
  address?: string;
  resources?: {
    address: string;
    mode: string;
    type: string;
    name: string;
    index?: number | string;
    values?: Record<string, unknown>;
  }[];
  child_modules?: PlanModule[];
}

function moduleOf(address: string, type: string, name: string, mode: string): string {
  const suffix = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
  const at = address.lastIndexOf(suffix);
  return at > 0 ? address.slice(0, at - 1) : '';
}

function parsePlan(file: string, text: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PlannedInputError(
      `${file}: not Terraform plan JSON (${(error as Error).message.split('\n')[0]}); write it with: terraform show -json plan.out > plan.json`,
      { cause: error },
    );
  }
  const plan = data as Record<string, unknown> | null;
  if (
    !plan ||
    typeof plan !== 'object' ||
    Array.isArray(plan) ||
    typeof plan.format_version !== 'string' ||
    !('planned_values' in plan)
  ) {
    const hint =
      plan && typeof plan === 'object' && 'Resources' in plan
        ? ' (this looks like a CloudFormation template: pass it with --template)'
        : '';
    throw new PlannedInputError(
      `${file}: not Terraform plan JSON: expected format_version and planned_values as written by terraform show -json plan.out${hint}`,
    );
  }
  return plan;
}

function providerRegion(plan: Record<string, unknown>): string | undefined {
  const config = plan.configuration as
    | {
        provider_config?: Record<
          string,
          { name?: string; expressions?: { region?: { constant_value?: unknown } } }
        >;
      }
    | undefined;
  for (const provider of Object.values(config?.provider_config ?? {})) {
    const region = provider.expressions?.region?.constant_value;
    if (provider.name === 'aws' && typeof region === 'string') return region;
  }
  return undefined;
}

/** Reads a plan file into a planned snapshot. */
export async function readTerraformPlan(options: PlanScanOptions): Promise<PlannedScan> {
  const text = await readInputFile(options.file, 'Terraform plan');
  return mapPlan(options.file, parsePlan(options.file, text), options);
}

export function mapPlan(file: string, plan: Record<string, unknown>, options: PlanScanOptions): PlannedScan {
  const region = options.region ?? providerRegion(plan);
  if (!region) throw new PlannedInputError(`${file}: the plan names no AWS provider region; pass --region`);
  const changes = new Map<string, unknown>();
  for (const change of (plan.resource_changes ?? []) as {
    address: string;
    change?: { after_unknown?: unknown };
  }[])
    changes.set(change.address, change.change?.after_unknown);
  const resources: TfResource[] = [];
  const walk = (module: PlanModule | undefined) => {
    for (const r of module?.resources ?? [])
      resources.push({
        address: r.address,
        mode: r.mode,
        type: r.type,
        name: r.name,
        ...(r.index !== undefined ? { index: r.index } : {}),
        module: moduleOf(r.address, r.type, r.name, r.mode),
        values: r.values ?? {},
        afterUnknown: changes.get(r.address) ?? {},
      });
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk((plan.planned_values as { root_module?: PlanModule } | undefined)?.root_module);

  const eips = new Map<string, string>();
  const idOf = (r: TfResource): string => {
    if (r.type === 'aws_eks_cluster') return typeof r.values.name === 'string' ? r.values.name : r.address;
    if (typeof r.values.id === 'string' && r.values.id !== '') return r.values.id;
    const kind = ID_KIND[r.type];
    return kind ? plannedId(kind, r.address) : r.address;
  };
  for (const r of resources) if (r.type === 'aws_eip') eips.set(idOf(r), standInEip(eips.size));
  const attributeOf = (r: TfResource, attribute: string | undefined): unknown => {
    const id = idOf(r);
    switch (attribute ?? 'id') {
      case 'id':
      case 'allocation_id':
        return id;
      case 'public_ip':
        return r.type === 'aws_eip' ? (r.values.public_ip ?? eips.get(id)) : r.values.public_ip;
      case 'default_route_table_id':
      case 'main_route_table_id':
        return r.type === 'aws_vpc' ? vpcDefaultIds(id).mainRouteTable : r.values[attribute as string];
      case 'default_network_acl_id':
        return r.type === 'aws_vpc' ? vpcDefaultIds(id).defaultAcl : r.values.default_network_acl_id;
      case 'default_security_group_id':
        return r.type === 'aws_vpc' ? vpcDefaultIds(id).defaultSg : r.values.default_security_group_id;
      default:
        return r.values[attribute as string];
    }
  };
  const index = new TerraformIndex(
    resources,
    ((plan.configuration as { root_module?: TfModuleConfig } | undefined)?.root_module ??
      {}) as TfModuleConfig,
    attributeOf,
  );
  const inventory = new PlannedInventory(region, PLANNED_ACCOUNT_ID);
  const launchTemplates = new Map<string, PlannedLaunch>();
  const defaults = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== 'aws_vpc') continue;
    const ids = vpcDefaultIds(idOf(r));
    defaults.set(ids.mainRouteTable, idOf(r));
    defaults.set(ids.defaultAcl, idOf(r));
  }
  const ignored = new Map<string, number>();
  const work: { phase: number; run: () => void }[] = [];
  for (const resource of resources) {
    if (resource.mode !== 'managed') continue;
    const mapper = TF_MAPPERS[resource.type];
    if (!mapper) {
      ignored.set(resource.type, (ignored.get(resource.type) ?? 0) + 1);
      continue;
    }
    work.push({
      phase: mapper.phase,
      run: () => {
        const values = knownValues(index, resource);
        const config = index.resourceConfig(resource) as
          | { range?: { filename?: string; start?: { line?: number; column?: number } } }
          | undefined;
        // Terraform's JSON names no source position today; one added by a wrapper is used.
        const range = config?.range;
        const location = {
          address: resource.address,
          ...(range?.filename
            ? {
                file: range.filename,
                ...(range.start?.line ? { line: range.start.line, column: range.start.column ?? 1 } : {}),
              }
            : {}),
        };
        mapper.map({
          inventory,
          resource,
          id: idOf(resource),
          values,
          read: new FieldReader(inventory, resource.address, values),
          location,
          eipAddress: (allocationId) => eips.get(allocationId),
          launchTemplates,
          vpcOfDefault: (defaultId) => defaults.get(defaultId),
        });
      },
    });
  }
  for (const phase of [0, 1, 2, 3]) for (const item of work) if (item.phase === phase) item.run();
  const notes = [...inventory.notes];
  const total = [...ignored.values()].reduce((a, b) => a + b, 0);
  if (total > 0) {
    const types = [...ignored.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ×${n}`);
    notes.push(
      `ignored ${total} resource(s) of ${ignored.size} type(s) that do not affect EKS networking: ${types.slice(0, 8).join(', ')}${types.length > 8 ? ', …' : ''}`,
    );
  }
  if (resources.length === 0) notes.push(`${file}: the plan has no planned resources`);
  return { snapshot: inventory.build(options.scannedAt), notes };
}
