/**
 * CloudFormation's own refusal of circular dependencies: a resource that, through `Ref`,
 * `Fn::GetAtt`, `Fn::Sub` or `DependsOn`, depends on itself cannot be deployed, so the
 * template is refused with the cycle named instead of being judged.
 */
import type { CfnResource, StackContext } from './cfn-intrinsics.ts';
import { PlannedInputError } from './errors.ts';

function collectRefs(value: unknown, names: Set<string>, out: Set<string>, depth = 0): void {
  if (depth > 200 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, names, out, depth + 1);
    return;
  }
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'Ref' && typeof inner === 'string' && names.has(inner)) out.add(inner);
    else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(inner)
        ? inner[0]
        : typeof inner === 'string'
          ? inner.split('.')[0]
          : undefined;
      if (typeof target === 'string' && names.has(target)) out.add(target);
    } else if (key === 'Fn::Sub') {
      const text = Array.isArray(inner) ? inner[0] : inner;
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^!}][^}.]*)(?:\.[^}]*)?\}/g)) {
          const name = match[1]?.trim();
          if (name && names.has(name)) out.add(name);
        }
      }
      if (Array.isArray(inner)) collectRefs(inner[1], names, out, depth + 1);
      continue;
    }
    collectRefs(inner, names, out, depth + 1);
  }
}

/** Throws a {@link PlannedInputError} naming the cycle when resources depend on each other in a circle. */
export function assertNoCycles(stack: StackContext): void {
  const names = new Set(Object.keys(stack.resources));
  const edges = new Map<string, string[]>();
  for (const [logicalId, resource] of Object.entries(stack.resources) as [string, CfnResource][]) {
    const out = new Set<string>();
    collectRefs(resource.Properties, names, out);
    const dependsOn = resource.DependsOn;
    for (const d of Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : [])
      if (names.has(d)) out.add(d);
    edges.set(logicalId, [...out]);
  }
  // Iterative depth-first search: 0 unvisited, 1 on the path, 2 done.
  const state = new Map<string, 0 | 1 | 2>();
  for (const start of names) {
    if (state.get(start)) continue;
    const path: string[] = [];
    const iterators: Iterator<string>[] = [];
    state.set(start, 1);
    path.push(start);
    iterators.push((edges.get(start) ?? [])[Symbol.iterator]());
    while (iterators.length > 0) {
      const next = (iterators[iterators.length - 1] as Iterator<string>).next();
      if (next.done) {
        state.set(path.pop() as string, 2);
        iterators.pop();
        continue;
      }
      const target = next.value;
      const seen = state.get(target) ?? 0;
      if (seen === 1) {
        const cycle = [...path.slice(path.indexOf(target)), target];
        throw new PlannedInputError(
          `${stack.parsed.file}: circular dependency between resources: ${cycle.join(' → ')} (CloudFormation refuses it; break the loop, e.g. with a separate AWS::EC2::SecurityGroupIngress)`,
        );
      }
      if (seen === 0) {
        state.set(target, 1);
        path.push(target);
        iterators.push((edges.get(target) ?? [])[Symbol.iterator]());
      }
    }
  }
}
