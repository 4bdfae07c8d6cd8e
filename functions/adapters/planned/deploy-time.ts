/**
 * Values known only once a stack is deployed or a plan is applied: an imported VPC id
 * (`Fn::ImportValue` with no matching export among the files), an SSM parameter, an
 * attribute AWS assigns, a Terraform "known after apply". They are carried as values of
 * their own so that they are never guessed: whatever needs one leaves the rules that read
 * it *not judged*, with this description as the reason.
 */
export class DeployTimeValue {
  constructor(readonly description: string) {}
}

export function isDeployTime(value: unknown): value is DeployTimeValue {
  return value instanceof DeployTimeValue;
}

/** The first deploy-time value inside a resolved value (arrays and objects searched), if any. */
export function findDeployTime(value: unknown, depth = 0): DeployTimeValue | undefined {
  if (value instanceof DeployTimeValue) return value;
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const found = findDeployTime(item, depth + 1);
    if (found) return found;
  }
  return undefined;
}
