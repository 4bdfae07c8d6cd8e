/**
 * Reading resolved resource properties into snapshot fields. A field holding a
 * deploy-time value is reported once to the inventory as an unknown of its part (so the
 * rules reading that part are not judged, with the value named) and read as absent.
 */
import type { Ec2IpPermission, InventoryPart, TagMap } from '../../core/snapshot.ts';
import { DeployTimeValue, findDeployTime, isDeployTime } from './deploy-time.ts';
import type { Anchor, PlannedInventory } from './planned-inventory.ts';

/** Tag keys the rules read; a deploy-time value elsewhere (a `Name` tag) changes nothing. */
const RULE_TAG_PREFIXES = ['kubernetes.io/', 'karpenter.sh/', 'eks:', 'aws:eks:'];

export class FieldReader {
  constructor(
    private readonly inventory: PlannedInventory,
    /** `Cluster.ResourcesVpcConfig` style label of the resource, for reasons. */
    private readonly label: string,
    readonly props: Record<string, unknown>,
  ) {}

  /** The same reader over other properties (a resource whose properties are nested, like CDK's cluster). */
  with(props: Record<string, unknown>): FieldReader {
    return new FieldReader(this.inventory, this.label, props);
  }

  private report(anchor: Anchor, part: InventoryPart, key: string, value: DeployTimeValue): void {
    // A Terraform unknown already names its full path; a CloudFormation one names what it is.
    const text = value.description.startsWith(this.label)
      ? value.description
      : `${this.label}.${key} is ${value.description}`;
    this.inventory.unknown(anchor, part, text);
  }

  /** The raw resolved value of `key`, or undefined after reporting a deploy-time one. */
  value(
    key: string,
    anchor: Anchor,
    part: InventoryPart,
    from: Record<string, unknown> = this.props,
  ): unknown {
    const value = from[key];
    const unknown = findDeployTime(value);
    if (unknown) {
      this.report(anchor, part, key, unknown);
      return undefined;
    }
    return value;
  }

  string(
    key: string,
    anchor: Anchor,
    part: InventoryPart,
    from?: Record<string, unknown>,
  ): string | undefined {
    const value = this.value(key, anchor, part, from);
    return value === undefined || value === null ? undefined : String(value);
  }

  boolean(
    key: string,
    anchor: Anchor,
    part: InventoryPart,
    from?: Record<string, unknown>,
  ): boolean | undefined {
    const value = this.value(key, anchor, part, from);
    if (value === undefined || value === null) return undefined;
    return value === true || String(value).toLowerCase() === 'true';
  }

  number(
    key: string,
    anchor: Anchor,
    part: InventoryPart,
    from?: Record<string, unknown>,
  ): number | undefined {
    const value = this.value(key, anchor, part, from);
    if (value === undefined || value === null || value === '') return undefined;
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }

  /** A list of strings; deploy-time items are reported and dropped, the known ones kept. */
  strings(
    key: string,
    anchor: Anchor,
    part: InventoryPart,
    from: Record<string, unknown> = this.props,
  ): string[] | undefined {
    const value = from[key];
    if (value === undefined || value === null) return undefined;
    if (isDeployTime(value)) {
      this.report(anchor, part, key, value);
      return [];
    }
    const list = Array.isArray(value) ? value : [value];
    const out: string[] = [];
    for (const item of list) {
      if (isDeployTime(item)) this.report(anchor, part, key, item);
      else if (item !== null && item !== undefined) out.push(String(item));
    }
    return out;
  }

  /** Tags as a map, from CloudFormation's `[{Key, Value}]` list or a `{key: value}` map. */
  tags(anchor: Anchor, part: InventoryPart, key = 'Tags'): TagMap {
    const raw = this.props[key];
    if (raw === undefined || raw === null) return {};
    if (isDeployTime(raw)) {
      this.report(anchor, part, key, raw);
      return {};
    }
    const pairs: [unknown, unknown][] = Array.isArray(raw)
      ? raw.map((t) => [(t as Record<string, unknown>)?.Key, (t as Record<string, unknown>)?.Value])
      : Object.entries(raw as Record<string, unknown>);
    const tags: TagMap = {};
    for (const [k, v] of pairs) {
      if (isDeployTime(k)) {
        this.report(anchor, part, key, k);
        continue;
      }
      const tagKey = String(k);
      if (isDeployTime(v)) {
        if (RULE_TAG_PREFIXES.some((p) => tagKey.startsWith(p)))
          this.report(anchor, part, `${key}.${tagKey}`, v);
        else tags[tagKey] = `<${v.description}>`;
        continue;
      }
      tags[tagKey] = v === undefined || v === null ? '' : String(v);
    }
    return tags;
  }
}

/** `-1`/`tcp`/`6`… as EC2 reports them (numbers for TCP/UDP/ICMP are read by name by the rules). */
function protocol(value: unknown): string {
  const text = String(value ?? '-1').toLowerCase();
  return text === 'all' ? '-1' : text;
}

/**
 * One security-group rule (CloudFormation inline rule, `AWS::EC2::SecurityGroupIngress`,
 * Terraform's `ingress` block normalised to the same keys) as an EC2 permission.
 */
export function permissionOf(rule: Record<string, unknown>, egress: boolean): Ec2IpPermission {
  const ipProtocol = protocol(rule.IpProtocol);
  const permission: Ec2IpPermission = { IpProtocol: ipProtocol };
  if (ipProtocol !== '-1') {
    if (rule.FromPort !== undefined) permission.FromPort = Number(rule.FromPort);
    if (rule.ToPort !== undefined) permission.ToPort = Number(rule.ToPort);
  }
  const cidr = rule.CidrIp;
  const cidr6 = rule.CidrIpv6;
  const group = egress
    ? rule.DestinationSecurityGroupId
    : (rule.SourceSecurityGroupId ?? rule.SourceSecurityGroupName);
  const prefixList = egress ? rule.DestinationPrefixListId : rule.SourcePrefixListId;
  if (cidr !== undefined) permission.IpRanges = [{ CidrIp: String(cidr) }];
  if (cidr6 !== undefined) permission.Ipv6Ranges = [{ CidrIpv6: String(cidr6) }];
  if (group !== undefined) permission.UserIdGroupPairs = [{ GroupId: String(group) }];
  if (prefixList !== undefined) permission.PrefixListIds = [{ PrefixListId: String(prefixList) }];
  return permission;
}

/** A resolved property that is an object (a deploy-time value or a list reads as empty). */
export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isDeployTime(value)
    ? (value as Record<string, unknown>)
    : {};
}

export { DeployTimeValue };
