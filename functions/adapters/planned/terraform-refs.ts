/**
 * Reading a Terraform plan (`terraform show -json`): resources of every module instance,
 * with values "known after apply" recovered from the configuration's references where the
 * plan says which resource they come from, and kept as deploy-time values otherwise.
 *
 * A new resource's id is unknown until apply, so a subnet's `vpc_id` is unknown in the
 * plan; its configuration says `aws_vpc.this[0].id` (or `var.vpc_id`, followed to the
 * calling module, or `module.vpc.private_subnets`, followed to the module's output).
 * Locals are not in the plan: a reference only through `local.*` falls back to the only
 * resource of the wanted type in the same module instance, and is unknown when there are
 * several.
 */
import { DeployTimeValue, isDeployTime } from './deploy-time.ts';

export interface TfResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: number | string;
  /** Module instance address (`module.eks.module.node["a"]`), empty for the root module. */
  module: string;
  values: Record<string, unknown>;
  afterUnknown: unknown;
}

export interface TfModuleConfig {
  resources?: {
    address: string;
    type: string;
    name: string;
    mode?: string;
    expressions?: Record<string, unknown>;
    range?: unknown;
  }[];
  module_calls?: Record<string, { expressions?: Record<string, unknown>; module?: TfModuleConfig }>;
  outputs?: Record<string, { expression?: unknown }>;
  variables?: Record<string, { default?: unknown }>;
}

type Expression = { constant_value?: unknown; references?: string[] } | undefined;

/** What an attribute that names another resource wants, by attribute name. */
const WANTED_TYPE: Record<string, string> = {
  vpc_id: 'aws_vpc',
  subnet_id: 'aws_subnet',
  subnet_ids: 'aws_subnet',
  route_table_id: 'aws_route_table',
  route_table_ids: 'aws_route_table',
  security_group_id: 'aws_security_group',
  security_group_ids: 'aws_security_group',
  vpc_security_group_ids: 'aws_security_group',
  source_security_group_id: 'aws_security_group',
  referenced_security_group_id: 'aws_security_group',
  nat_gateway_id: 'aws_nat_gateway',
  gateway_id: 'aws_internet_gateway',
  network_acl_id: 'aws_network_acl',
  allocation_id: 'aws_eip',
  cluster_name: 'aws_eks_cluster',
  egress_only_gateway_id: 'aws_egress_only_internet_gateway',
  transit_gateway_id: 'aws_ec2_transit_gateway',
  default_route_table_id: 'aws_vpc',
  default_network_acl_id: 'aws_vpc',
  vpc_endpoint_id: 'aws_vpc_endpoint',
  'launch_template.id': 'aws_launch_template',
};

/** Block lists the provider fills from separate resources when the configuration leaves them unset. */
const COMPUTED_WHEN_UNSET = new Set(['ingress', 'egress', 'route', 'subnet_ids']);

/** A value a `try`/`coalesce` would take: known, and not null or empty. */
function isGiven(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || isDeployTime(value)) return false;
  if (Array.isArray(value)) return value.length > 0 && !value.some(isDeployTime);
  return true;
}

/** Splits `module.a["k"].module.b` into instance segments. */
function parentInstance(module: string): { parent: string; call: string } | undefined {
  const match = /^(.*?)(?:\.)?module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?$/.exec(module);
  if (!match) return undefined;
  return { parent: match[1] ?? '', call: match[2] ?? '' };
}

function configPath(module: string): string[] {
  return [...module.matchAll(/module\.([A-Za-z0-9_-]+)/g)].map((m) => m[1] as string);
}

export class TerraformIndex {
  private readonly byModule = new Map<string, Map<string, TfResource[]>>();

  constructor(
    readonly resources: readonly TfResource[],
    private readonly rootConfig: TfModuleConfig,
    /** What an attribute of a resource evaluates to (its planned id for `id`…). */
    private readonly attributeOf: (resource: TfResource, attribute: string | undefined) => unknown,
  ) {
    for (const r of resources) {
      const map = this.byModule.get(r.module) ?? new Map<string, TfResource[]>();
      const key = `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
      map.set(key, [...(map.get(key) ?? []), r]);
      this.byModule.set(r.module, map);
    }
  }

  moduleConfig(module: string): TfModuleConfig | undefined {
    let config: TfModuleConfig | undefined = this.rootConfig;
    for (const call of configPath(module)) config = config?.module_calls?.[call]?.module;
    return config;
  }

  resourceConfig(resource: TfResource) {
    return this.moduleConfig(resource.module)?.resources?.find(
      (r) => r.type === resource.type && r.name === resource.name && (r.mode ?? 'managed') === resource.mode,
    );
  }

  /** Resolves an expression of `module`'s configuration (for the instance `self`, when it has an index). */
  resolve(
    expression: Expression,
    module: string,
    attribute: string,
    self: TfResource | undefined,
    depth = 0,
  ): unknown {
    if (!expression || depth > 30) return undefined;
    if ('constant_value' in expression) return expression.constant_value;
    const references = expression.references ?? [];
    // `try(a, b)`, `coalescelist(a, b)`: the first reference that gives a value wins.
    for (const reference of references) {
      const value = this.resolveReference(reference, module, attribute, self, depth);
      if (isGiven(value)) return value;
    }
    for (const reference of references.filter((r) => r.startsWith('local.'))) {
      const value = this.resolveLocal(reference.split('.')[1] ?? '', module, attribute, self, depth);
      if (isGiven(value)) return value;
    }
    return undefined;
  }

  /**
   * Locals are not in the plan. A local naming a resource of the wanted type is read as the
   * only such resource of the module instance, or the one whose name starts the local's
   * (`local.node_security_group_id` → `aws_security_group.node`); else as the module's
   * variable named like the attribute (modules pass `var.vpc_security_group_ids` through
   * locals). Anything else stays unknown.
   */
  private resolveLocal(
    local: string,
    module: string,
    attribute: string,
    self: TfResource | undefined,
    depth: number,
  ): unknown {
    const leaf = attribute.split('.').pop() ?? attribute;
    const wanted = WANTED_TYPE[attribute] ?? WANTED_TYPE[leaf];
    const wantsList = attribute.endsWith('_ids');
    if (wanted) {
      const candidates = this.allOfType(module, wanted);
      const named = candidates.filter((c) => local === c.name || local.startsWith(`${c.name}_`));
      const pick =
        candidates.length === 1 ? candidates : new Set(named.map((c) => c.name)).size === 1 ? named : [];
      const chosen =
        pick.length > 1 ? pick.filter((c) => self !== undefined && c.index === self.index) : pick;
      if (chosen.length === 1) {
        const id = this.attributeOf(chosen[0] as TfResource, 'id');
        return wantsList ? [id] : id;
      }
    }
    if (local !== attribute)
      return this.resolveReference(`var.${attribute}`, module, attribute, self, depth + 1);
    return undefined;
  }

  private allOfType(module: string, type: string): TfResource[] {
    return [...(this.byModule.get(module)?.entries() ?? [])]
      .filter(([key]) => key.startsWith(`${type}.`))
      .flatMap(([, list]) => list);
  }

  private resolveReference(
    reference: string,
    module: string,
    attribute: string,
    self: TfResource | undefined,
    depth: number,
  ): unknown {
    const parts = reference.split('.');
    if (parts[0] === 'var') {
      const name = (parts[1] ?? '').replace(/\[.*$/, '');
      const instance = parentInstance(module);
      if (!instance) return undefined;
      const call = this.moduleConfig(instance.parent)?.module_calls?.[instance.call];
      const given = call?.expressions?.[name] as Expression;
      if (given) return this.resolve(given, instance.parent, attribute, undefined, depth + 1);
      return this.moduleConfig(module)?.variables?.[name]?.default;
    }
    if (parts[0] === 'module') {
      const call = (parts[1] ?? '').replace(/\[.*$/, '');
      const output = parts[2];
      if (!output) return undefined;
      const prefix = module ? `${module}.module.${call}` : `module.${call}`;
      const instances = [...this.byModule.keys()].filter((m) => m === prefix || m.startsWith(`${prefix}[`));
      const childModule = instances[0] ?? prefix;
      const childConfig = this.moduleConfig(childModule);
      return this.resolve(
        childConfig?.outputs?.[output]?.expression as Expression,
        childModule,
        attribute,
        undefined,
        depth + 1,
      );
    }
    const isData = parts[0] === 'data';
    const [type, rawName, ...rest] = isData ? parts.slice(1) : parts;
    if (!type?.startsWith('aws_') || !rawName) return undefined;
    const indexMatch = /^([^[]+)(?:\[(.+)\])?$/.exec(rawName);
    const name = indexMatch?.[1] ?? rawName;
    const explicitIndex = indexMatch?.[2];
    const list = this.byModule.get(module)?.get(`${isData ? 'data.' : ''}${type}.${name}`) ?? [];
    if (list.length === 0) return undefined;
    const wantsList = attribute.endsWith('_ids') || attribute === 'cidr_blocks' || attribute === 'subnets';
    const field = rest.join('.') || undefined;
    let chosen: TfResource[];
    if (explicitIndex !== undefined) {
      const key = explicitIndex.replace(/^"|"$/g, '');
      chosen = list.filter((r) => String(r.index) === key);
    } else if (wantsList) chosen = list;
    else if (list.length === 1) chosen = list;
    else {
      // `element(aws_subnet.private[*].id, count.index)`: the instance with the same index.
      chosen = list.filter((r) => self !== undefined && r.index === self.index);
    }
    if (chosen.length === 0) return undefined;
    const values = chosen.map((r) => this.attributeOf(r, field ?? 'id'));
    return wantsList ? values : values[0];
  }
}

/** Reads a plan's values, replacing "known after apply" by what the configuration tells, or a deploy-time value. */
export function knownValues(index: TerraformIndex, resource: TfResource): Record<string, unknown> {
  const config = index.resourceConfig(resource);
  const merge = (
    value: unknown,
    unknown: unknown,
    expression: unknown,
    attribute: string,
    path: string,
  ): unknown => {
    if (
      unknown === true ||
      (Array.isArray(unknown) &&
        unknown.length > 0 &&
        unknown.every((u) => u === true) &&
        !Array.isArray(value))
    ) {
      // Computed from other resources when the configuration leaves it unset (rules in
      // aws_security_group_rule, routes in aws_route): the other resources carry it.
      if (expression === undefined && COMPUTED_WHEN_UNSET.has(attribute.split('.').pop() ?? '')) return [];
      const resolved = index.resolve(expression as Expression, resource.module, attribute, resource);
      return resolved ?? new DeployTimeValue(`${resource.address}.${path} (known after apply)`);
    }
    if (Array.isArray(value) || Array.isArray(unknown)) {
      const values = Array.isArray(value) ? value : [];
      const unknowns = Array.isArray(unknown) ? unknown : [];
      const length = Math.max(values.length, unknowns.length);
      if (unknowns.some((u) => u === true) && expression && !Array.isArray(expression)) {
        const resolved = index.resolve(expression as Expression, resource.module, attribute, resource);
        if (resolved !== undefined) return resolved;
      }
      const expressions = Array.isArray(expression) ? expression : [];
      return Array.from({ length }, (_, i) =>
        merge(values[i], unknowns[i], expressions[i] ?? expressions[0], attribute, `${path}[${i}]`),
      );
    }
    if ((value && typeof value === 'object') || (unknown && typeof unknown === 'object')) {
      const object = (value ?? {}) as Record<string, unknown>;
      const unknownObject = (unknown && typeof unknown === 'object' ? unknown : {}) as Record<
        string,
        unknown
      >;
      const expressions = (expression && typeof expression === 'object' ? expression : {}) as Record<
        string,
        unknown
      >;
      const out: Record<string, unknown> = {};
      for (const key of new Set([...Object.keys(object), ...Object.keys(unknownObject)]))
        out[key] = merge(
          object[key],
          unknownObject[key],
          expressions[key],
          attribute ? `${attribute}.${key}` : key,
          path ? `${path}.${key}` : key,
        );
      return out;
    }
    return value;
  };
  return merge(resource.values, resource.afterUnknown, config?.expressions ?? {}, '', '') as Record<
    string,
    unknown
  >;
}
