/**
 * The API serves `GET /rules` from a generated metadata-only catalog, so that its bundle
 * carries no rule evaluation code (cold start). The committed catalog must equal the
 * registry's metadata; regenerate with `npm run catalog:rules`.
 */
import { describe, expect, it } from 'vitest';
import { RULE_CATALOG } from '../../../functions/core/rules/catalog.generated.ts';
import { RULES } from '../../../functions/core/rules/index.ts';

describe('generated rule catalog', () => {
  it('holds every rule of the registry, metadata only, in registry order (npm run catalog:rules)', () => {
    // Arrange
    const metadata = RULES.map(({ evaluate: _evaluate, ...rest }) => rest);
    // Act / Assert
    expect(JSON.parse(JSON.stringify(RULE_CATALOG))).toEqual(JSON.parse(JSON.stringify(metadata)));
    expect(RULE_CATALOG.every((rule) => !('evaluate' in rule))).toBe(true);
  });
});
