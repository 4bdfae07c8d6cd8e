/**
 * Suppressions kept in the config file, applied wherever the config is loaded (the CLI,
 * the scan-cluster Lambda, the local stack). An entry whose expiry has passed is ignored
 * and reported — never applied — so an expired waiver reopens its findings; the caller
 * decides how to warn (stderr, log).
 *
 * Pure: `now` is always passed in.
 */
import type { Finding } from './model.ts';
import type { SuppressionSource } from './ports.ts';
import {
  type ConfigSuppressionOptions,
  findMatchingSuppression,
  isSuppressionLive,
  type Suppression,
  suppressionsFromConfig,
} from './suppression.ts';

/** Config suppressions split by whether they are still in force at `now`. */
export interface ConfigSuppressions {
  live: Suppression[];
  expired: Suppression[];
}

/**
 * Validates the config file's `suppressions:` entries and splits them into live and expired.
 * @throws {SuppressionValidationError} naming `suppressions.<index>.<field>`.
 */
export function loadConfigSuppressions(
  entries: unknown,
  options: ConfigSuppressionOptions,
): ConfigSuppressions {
  const all = suppressionsFromConfig(entries, options);
  return {
    live: all.filter((s) => isSuppressionLive(s, options.now)),
    expired: all.filter((s) => !isSuppressionLive(s, options.now)),
  };
}

/** One line telling the user an expired config suppression is ignored. */
export function expiredSuppressionWarning(suppression: Suppression): string {
  const scope = [suppression.clusterName, suppression.resourceId].filter(Boolean).join(' ');
  return (
    `config suppression ${suppression.id} (${suppression.ruleId}${scope ? ` ${scope}` : ''}) ` +
    `expired at ${suppression.expiresAt}; ignored — renew or remove it`
  );
}

/**
 * A suppression source that adds the config file's suppressions to `stored` (the table's).
 * Liveness is checked at every call: a long-lived process (a warm Lambda) stops applying
 * an entry the moment it expires, and `onExpired` hears about each such entry once.
 */
export function withConfigSuppressions(
  stored: SuppressionSource,
  config: readonly Suppression[],
  onExpired: (suppression: Suppression) => void = () => undefined,
): SuppressionSource {
  const reported = new Set<string>();
  return {
    async listSuppressions(now: Date): Promise<Suppression[]> {
      const fromStore = await stored.listSuppressions(now);
      const live: Suppression[] = [];
      for (const suppression of config) {
        if (isSuppressionLive(suppression, now)) live.push(suppression);
        else if (!reported.has(suppression.id)) {
          reported.add(suppression.id);
          onExpired(suppression);
        }
      }
      // A stored suppression with the same id (unlikely: config ids are `cfg-…`) wins.
      const ids = new Set(fromStore.map((s) => s.id));
      return [...fromStore, ...live.filter((s) => !ids.has(s.id))];
    },
  };
}

/** A finding with the waiver that covers it. */
export interface SuppressedFinding {
  finding: Finding;
  suppression: Suppression;
}

/** Splits findings into the ones still failing and the ones a live suppression covers. */
export function partitionSuppressed(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  now: Date,
): { active: Finding[]; suppressed: SuppressedFinding[] } {
  const active: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const suppression = findMatchingSuppression(finding, suppressions, now);
    if (suppression) suppressed.push({ finding, suppression });
    else active.push(finding);
  }
  return { active, suppressed };
}
