/**
 * CloudFormation intrinsic functions, resolved offline: `Ref`, `Fn::GetAtt` (to planned
 * ids of resources in the same files), `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`,
 * `Fn::GetAZs` (per region), `Fn::If` with `Conditions`, `Fn::FindInMap`, `Fn::Cidr`,
 * `Fn::ImportValue` (joined to an `Export` of another file). What only a deployment can
 * tell (an import no file exports, an SSM parameter, an attribute AWS assigns) resolves
 * to a {@link DeployTimeValue} naming it: never a guess.
 */
import { formatIpv6, parseCidr } from '../../core/cidr.ts';
import type { ParsedTemplate } from './cfn-parse.ts';
import { DeployTimeValue, isDeployTime } from './deploy-time.ts';
import { PlannedInputError } from './errors.ts';
import { availabilityZones } from './planned-ids.ts';

/** `AWS::NoValue`: removes the property or list item it stands in. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
}

/** One template, with what its intrinsics need to resolve. */
export interface StackContext {
  parsed: ParsedTemplate;
  resources: Record<string, CfnResource>;
  /** Parameter values given for this stack (`--parameter`, or the parent stack of a nested one). */
  given: Map<string, unknown>;
  /** Lazily evaluated `Conditions`. */
  conditions: Map<string, boolean | DeployTimeValue>;
  /** Nested stacks of this template whose file was given, by the logical id of their `AWS::CloudFormation::Stack`. */
  children: Map<string, StackContext>;
  /** `AWS::StackName`: the file's name (CDK names template files after their stacks). */
  stackName: string;
}

/** What resolution needs from outside one template. */
export interface ResolveEnv {
  region: string;
  /** Values of pseudo parameters given with `--parameter AWS::AccountId=…` and the like. */
  pseudo: Map<string, string>;
  /** `Export` names of every file, to join `Fn::ImportValue`. */
  exports: Map<string, { stack: StackContext; value: unknown }>;
  /** What `Ref` of a resource returns (its planned id, name…). */
  ref(stack: StackContext, logicalId: string): unknown;
  /** What `Fn::GetAtt` of a resource returns; undefined for an attribute only AWS knows. */
  getAtt(stack: StackContext, logicalId: string, attribute: string): unknown;
}

const MAX_DEPTH = 200;

function fail(stack: StackContext, message: string): never {
  throw new PlannedInputError(`${stack.parsed.file}: ${message}`);
}

function partition(region: string): { partition: string; suffix: string } {
  if (region.startsWith('cn-')) return { partition: 'aws-cn', suffix: 'amazonaws.com.cn' };
  if (region.startsWith('us-gov-')) return { partition: 'aws-us-gov', suffix: 'amazonaws.com' };
  return { partition: 'aws', suffix: 'amazonaws.com' };
}

function parameterValue(stack: StackContext, name: string): unknown {
  const declared = (
    stack.parsed.template.Parameters as Record<string, Record<string, unknown>> | undefined
  )?.[name];
  const type = typeof declared?.Type === 'string' ? declared.Type : 'String';
  const given = stack.given.get(name);
  if (given !== undefined) return isDeployTime(given) ? given : asParameterType(type, given);
  if (type.startsWith('AWS::SSM::Parameter::Value')) {
    return new DeployTimeValue(
      `parameter ${name} (an SSM parameter read at deployment; pass --parameter ${name}=VALUE to judge it)`,
    );
  }
  if (declared?.Default === undefined) {
    return new DeployTimeValue(`parameter ${name} has no default (pass --parameter ${name}=VALUE)`);
  }
  return asParameterType(type, declared.Default);
}

function asParameterType(type: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map(String);
  const text = String(value);
  if (type.startsWith('List<') || type === 'CommaDelimitedList') {
    return text === '' ? [] : text.split(',').map((item) => item.trim());
  }
  return text;
}

function pseudoParameter(name: string, stack: StackContext, env: ResolveEnv): unknown {
  const given = env.pseudo.get(name);
  if (given !== undefined) return given;
  switch (name) {
    case 'AWS::StackName':
      return stack.stackName;
    case 'AWS::Region':
      return env.region;
    case 'AWS::Partition':
      return partition(env.region).partition;
    case 'AWS::URLSuffix':
      return partition(env.region).suffix;
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return new DeployTimeValue(`${name} (known at deployment; pass --parameter ${name}=VALUE)`);
  }
}

/** Resolves every intrinsic function in `value`, in the context of `stack`. */
export function resolveValue(value: unknown, stack: StackContext, env: ResolveEnv, depth = 0): unknown {
  if (depth > MAX_DEPTH) fail(stack, 'values nest more than 200 levels deep (a circular reference?)');
  if (typeof value === 'string') {
    return value.includes('{{resolve:')
      ? new DeployTimeValue(
          `dynamic reference ${value.slice(value.indexOf('{{resolve:'), value.indexOf('}}') + 2)}`,
        )
      : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const resolved = resolveValue(item, stack, env, depth + 1);
      if (resolved !== NO_VALUE) out.push(resolved);
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const key = keys[0] as string;
    if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::'))
      return intrinsic(key, record[key], stack, env, depth + 1);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = resolveValue(record[key], stack, env, depth + 1);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

/** Ref: a parameter, a pseudo parameter or a resource. */
export function resolveRef(name: string, stack: StackContext, env: ResolveEnv): unknown {
  if (name.startsWith('AWS::')) return pseudoParameter(name, stack, env);
  const parameters = stack.parsed.template.Parameters as Record<string, unknown> | undefined;
  if (parameters && Object.hasOwn(parameters, name)) return parameterValue(stack, name);
  if (Object.hasOwn(stack.resources, name)) return env.ref(stack, name);
  return fail(stack, `Ref to "${name}", which is neither a parameter nor a resource of this template`);
}

function resolveGetAtt(logicalId: string, attribute: string, stack: StackContext, env: ResolveEnv): unknown {
  if (!Object.hasOwn(stack.resources, logicalId))
    fail(stack, `Fn::GetAtt of "${logicalId}", which is not a resource of this template`);
  const value = env.getAtt(stack, logicalId, attribute);
  return value === undefined
    ? new DeployTimeValue(`Fn::GetAtt ${logicalId}.${attribute} (assigned by AWS at deployment)`)
    : value;
}

/** Evaluates a named condition (memoised; a condition that refers back to itself is refused). */
export function evaluateCondition(
  name: string,
  stack: StackContext,
  env: ResolveEnv,
  depth = 0,
): boolean | DeployTimeValue {
  const cached = stack.conditions.get(name);
  if (cached !== undefined) return cached;
  const conditions = stack.parsed.template.Conditions as Record<string, unknown> | undefined;
  if (!conditions || !Object.hasOwn(conditions, name))
    fail(stack, `condition "${name}" is not in Conditions`);
  if (stack.conditions.has(`…${name}`))
    fail(stack, `condition "${name}" refers to itself (a circular condition)`);
  stack.conditions.set(`…${name}`, false);
  const result = resolveValue(conditions[name], stack, env, depth + 1);
  stack.conditions.delete(`…${name}`);
  const verdict = isDeployTime(result)
    ? new DeployTimeValue(`condition ${name} depends on ${result.description}`)
    : result === true || result === 'true';
  stack.conditions.set(name, verdict);
  return verdict;
}

function asList(value: unknown, stack: StackContext, what: string): unknown[] {
  if (!Array.isArray(value)) fail(stack, `${what} expects a list`);
  return value;
}

function intrinsic(
  name: string,
  argument: unknown,
  stack: StackContext,
  env: ResolveEnv,
  depth: number,
): unknown {
  const resolve = (v: unknown) => resolveValue(v, stack, env, depth + 1);
  switch (name) {
    case 'Ref':
      if (typeof argument !== 'string') fail(stack, 'Ref expects a name');
      return resolveRef(argument, stack, env);
    case 'Condition':
      if (typeof argument !== 'string') fail(stack, 'Condition expects a name');
      return evaluateCondition(argument, stack, env, depth);
    case 'Fn::GetAtt': {
      const parts = typeof argument === 'string' ? argument.split(/\.(.*)/s) : asList(argument, stack, name);
      const [logicalId, attribute] = parts.map((p) => resolve(p));
      if (typeof logicalId !== 'string' || typeof attribute !== 'string')
        fail(stack, 'Fn::GetAtt expects [LogicalId, Attribute]');
      return resolveGetAtt(logicalId, attribute, stack, env);
    }
    case 'Fn::Sub':
      return substitute(argument, stack, env, depth);
    case 'Fn::Join': {
      const [delimiter, items] = asList(argument, stack, name);
      const list = resolve(items);
      if (isDeployTime(list)) return list;
      const parts = asList(list, stack, name);
      const unknown = parts.find(isDeployTime);
      return unknown ?? parts.map(String).join(String(delimiter ?? ''));
    }
    case 'Fn::Select': {
      const [index, items] = asList(argument, stack, name).map(resolve);
      if (isDeployTime(index)) return index;
      if (isDeployTime(items)) return items;
      const list = asList(items, stack, name);
      const i = Number(index);
      if (!Number.isInteger(i) || i < 0 || i >= list.length)
        fail(stack, `Fn::Select index ${String(index)} is outside a list of ${list.length}`);
      return list[i];
    }
    case 'Fn::Split': {
      const [delimiter, source] = asList(argument, stack, name).map(resolve);
      if (isDeployTime(source)) return source;
      return String(source).split(String(delimiter));
    }
    case 'Fn::GetAZs': {
      const region = resolve(argument);
      if (isDeployTime(region)) return region;
      return availabilityZones(region === '' || region === undefined ? env.region : String(region));
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = asList(argument, stack, name);
      if (typeof condition !== 'string') fail(stack, 'Fn::If expects [Condition, A, B]');
      const verdict = evaluateCondition(condition, stack, env, depth);
      if (isDeployTime(verdict)) return verdict;
      return resolve(verdict ? whenTrue : whenFalse);
    }
    case 'Fn::Equals': {
      const [a, b] = asList(argument, stack, name).map(resolve);
      if (isDeployTime(a)) return a;
      if (isDeployTime(b)) return b;
      return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const values = asList(argument, stack, name).map(resolve);
      const unknown = values.find(isDeployTime);
      if (unknown) return unknown;
      return name === 'Fn::And' ? values.every((v) => v === true) : values.some((v) => v === true);
    }
    case 'Fn::Not': {
      const [inner] = asList(argument, stack, name).map(resolve);
      return isDeployTime(inner) ? inner : inner !== true;
    }
    case 'Fn::FindInMap': {
      const [map, first, second] = asList(argument, stack, name).map(resolve);
      const unknown = [map, first, second].find(isDeployTime);
      if (unknown) return unknown;
      const mappings = stack.parsed.template.Mappings as Record<
        string,
        Record<string, Record<string, unknown>>
      >;
      const found = mappings?.[String(map)]?.[String(first)]?.[String(second)];
      if (found === undefined)
        fail(stack, `Fn::FindInMap ${String(map)}.${String(first)}.${String(second)} is not in Mappings`);
      return resolve(found);
    }
    case 'Fn::ImportValue': {
      const exportName = resolve(argument);
      if (isDeployTime(exportName)) return exportName;
      const exported = env.exports.get(String(exportName));
      if (!exported)
        return new DeployTimeValue(`Fn::ImportValue "${String(exportName)}" (no given file exports it)`);
      return resolveValue(exported.value, exported.stack, env, depth + 1);
    }
    case 'Fn::Base64':
      return resolve(argument);
    case 'Fn::ToJsonString': {
      const inner = resolve(argument);
      return isDeployTime(inner) ? inner : JSON.stringify(inner);
    }
    case 'Fn::Length': {
      const inner = resolve(argument);
      return Array.isArray(inner) ? inner.length : inner;
    }
    case 'Fn::Cidr': {
      const [block, count, bits] = asList(argument, stack, name).map(resolve);
      const unknown = [block, count, bits].find(isDeployTime);
      if (unknown) return unknown;
      return cidrSplit(String(block), Number(count), Number(bits), stack);
    }
    default:
      return new DeployTimeValue(`${name} (not evaluated offline)`);
  }
}

function substitute(argument: unknown, stack: StackContext, env: ResolveEnv, depth: number): unknown {
  const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
  if (typeof template !== 'string') fail(stack, 'Fn::Sub expects a string');
  const vars = (resolveValue(variables ?? {}, stack, env, depth + 1) ?? {}) as Record<string, unknown>;
  let unknown: DeployTimeValue | undefined;
  const text = template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    let value: unknown;
    if (Object.hasOwn(vars, name)) value = vars[name];
    else if (name.includes('.') && !name.startsWith('AWS::')) {
      const dot = name.indexOf('.');
      value = resolveGetAtt(name.slice(0, dot), name.slice(dot + 1), stack, env);
    } else value = resolveRef(name, stack, env);
    if (isDeployTime(value)) {
      unknown ??= value;
      return whole;
    }
    return Array.isArray(value) ? value.join(',') : String(value);
  });
  return unknown ?? text;
}

function cidrSplit(block: string, count: number, bits: number, stack: StackContext): string[] {
  const cidr = parseCidr(block);
  const width = cidr?.version === 6 ? 128 : 32;
  const prefix = width - bits;
  if (!cidr || !Number.isInteger(count) || count < 1 || count > 256 || prefix < cidr.prefix || bits < 1)
    fail(stack, `Fn::Cidr cannot split ${block} into ${count} blocks of ${bits} host bits`);
  const size = 1n << BigInt(bits);
  const out: string[] = [];
  for (let i = 0n; i < BigInt(count); i++) {
    const network = cidr.network + i * size;
    out.push(`${cidr.version === 6 ? formatIpv6(network) : formatIpv4(network)}/${prefix}`);
  }
  return out;
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}
