/**
 * Parsing a CloudFormation template, YAML or JSON, into plain data plus the line and
 * column of every resource's logical id (where a finding points).
 *
 * YAML goes through `yaml` with the CloudFormation short tags (`!Ref`, `!Sub`,
 * `!GetAtt`…) turned into their long forms, and with alias expansion capped so that an
 * anchors-and-aliases bomb fails at once. JSON (CDK's `cdk.out/*.template.json`) goes
 * through `JSON.parse`, with a single pass over the text for positions: the whole read
 * costs about as much as `JSON.parse` itself.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Tags, YAMLMap } from 'yaml';
import { PlannedInputError } from './errors.ts';

export interface Position {
  line: number;
  column: number;
}

export interface ParsedTemplate {
  file: string;
  template: Record<string, unknown>;
  /** Line and column (1-based) of each resource's logical id. */
  positions: Map<string, Position>;
}

/** Short-form tags and the long form each stands for. */
const SHORT_TAGS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Not: 'Fn::Not',
  FindInMap: 'Fn::FindInMap',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  Transform: 'Fn::Transform',
  ToJsonString: 'Fn::ToJsonString',
  Length: 'Fn::Length',
};

function cloudFormationTags(): Tags {
  const tags: Tags = [];
  for (const [short, long] of Object.entries(SHORT_TAGS)) {
    const wrap = (value: unknown) => {
      const map = new YAMLMap();
      // `!GetAtt A.B` is the scalar form of `Fn::GetAtt: [A, B]`.
      const inner =
        long === 'Fn::GetAtt' && typeof value === 'string' ? splitGetAtt(value) : (value as unknown);
      map.set(long, inner);
      return map;
    };
    // A scalar tag's result is used as is; a collection tag's node is converted with the document.
    tags.push({
      tag: `!${short}`,
      resolve: (value: string) => ({ [long]: long === 'Fn::GetAtt' ? splitGetAtt(value) : value }),
    });
    tags.push({ tag: `!${short}`, collection: 'seq', resolve: (value: unknown) => wrap(value) as never });
    tags.push({ tag: `!${short}`, collection: 'map', resolve: (value: unknown) => wrap(value) as never });
  }
  return tags;
}

function splitGetAtt(text: string): string[] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

const CUSTOM_TAGS = cloudFormationTags();

/** Most aliases a template may expand; real templates use a handful. */
const MAX_ALIAS_COUNT = 1000;

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function parseYaml(file: string, text: string): ParsedTemplate {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    customTags: CUSTOM_TAGS,
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const first = doc.errors[0];
  if (first) {
    const at = first.linePos?.[0];
    throw new PlannedInputError(
      `${file}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML or JSON: ${oneLine(first.message)}`,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = (error as Error).message;
    if (/alias/i.test(message)) {
      throw new PlannedInputError(
        `${file}: YAML anchors and aliases expand past ${MAX_ALIAS_COUNT} nodes (a YAML bomb?); write the values out instead of aliasing them`,
        { cause: error },
      );
    }
    throw new PlannedInputError(`${file}: cannot read YAML: ${oneLine(message)}`, { cause: error });
  }
  const positions = new Map<string, Position>();
  const root = doc.contents;
  const resources = isMap(root) ? root.get('Resources', true) : undefined;
  if (isMap(resources)) {
    for (const pair of resources.items) {
      if (isScalar(pair.key) && pair.key.range) {
        const { line, col } = lineCounter.linePos(pair.key.range[0]);
        positions.set(String(pair.key.value), { line, column: col });
      }
    }
  }
  return { file, template: asTemplate(file, data), positions };
}

/** Line and column of every key directly under the top-level `Resources` object of a JSON text. */
export function jsonResourcePositions(text: string): Map<string, Position> {
  const positions = new Map<string, Position>();
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let topKey: string | undefined;
  let inResources = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 34) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          escaped = true;
          j += 2;
          continue;
        }
        if (d === 34) break;
        j++;
      }
      if (depth === 1 || (depth === 2 && inResources)) {
        let k = j + 1;
        while (k < n && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r' || text[k] === '\n')) k++;
        if (text[k] === ':') {
          const raw = text.slice(i + 1, j);
          const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
          if (depth === 1) topKey = key;
          else positions.set(key, { line, column: i - lineStart + 1 });
        }
      }
      i = j;
    } else if (c === 123 || c === 91) {
      depth++;
      if (depth === 2 && c === 123 && topKey === 'Resources') inResources = true;
    } else if (c === 125 || c === 93) {
      if (depth === 2) inResources = false;
      depth--;
    }
  }
  return positions;
}

function asTemplate(file: string, data: unknown): Record<string, unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PlannedInputError(
      `${file}: not a CloudFormation template: expected a YAML or JSON object with a Resources section`,
    );
  }
  const record = data as Record<string, unknown>;
  if ('terraform_version' in record || 'planned_values' in record) {
    throw new PlannedInputError(
      `${file}: this is a Terraform plan, not a template; pass it with --terraform-plan`,
    );
  }
  const resources = record.Resources;
  if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) {
    throw new PlannedInputError(
      `${file}: not a CloudFormation template: no Resources section (expected "Resources:" mapping logical ids to {Type, Properties})`,
    );
  }
  for (const [logicalId, resource] of Object.entries(resources as Record<string, unknown>)) {
    const type = (resource as { Type?: unknown } | null)?.Type;
    if (typeof type !== 'string' || !/^[A-Za-z0-9]+::[A-Za-z0-9-]+(::[A-Za-z0-9-]+)?$/.test(type)) {
      throw new PlannedInputError(
        `${file}: not a CloudFormation template: resource ${logicalId} has no Type such as AWS::EC2::VPC`,
      );
    }
  }
  return record;
}

/** Parses a template's text (JSON when it is JSON, else YAML with CloudFormation tags). */
export function parseTemplate(file: string, text: string): ParsedTemplate {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // Not strict JSON: YAML (a superset) reports the error with its line, or reads it.
      return parseYaml(file, text);
    }
    const template = asTemplate(file, data);
    return { file, template, positions: jsonResourcePositions(text) };
  }
  return parseYaml(file, text);
}
