import { createHash } from 'node:crypto';

export interface FindingIdentity {
  accountId: string;
  region: string;
  clusterName: string;
  ruleId: string;
  resourceId: string;
}

/**
 * Deterministic finding id: the same misconfiguration seen by two scans gets the same id.
 * 32 hex characters of SHA-256 over the identity fields (joined by a separator no field contains).
 */
export function findingId(identity: FindingIdentity): string {
  const key = [
    identity.accountId,
    identity.region,
    identity.clusterName,
    identity.ruleId,
    identity.resourceId,
  ].join('\u001f');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
