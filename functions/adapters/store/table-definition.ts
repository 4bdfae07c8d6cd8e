/**
 * The findings table: key schema, indexes and TTL attribute. Single source of truth for
 * `infra/findings-table.yml` (a unit test compares them) and for the embedded dynalite table.
 * See `docs/data-model.md` for the item types and access patterns.
 */

export const TTL_ATTRIBUTE = 'expiresAt';

export const INDEX = {
  /** Findings by status+severity; cluster list; suppression list. */
  byStatus: 'GSI1',
  /** Findings by cluster name. */
  byCluster: 'GSI2',
  /** Findings by rule id. */
  byRule: 'GSI3',
  /** Clusters by VPC; finding by id. */
  byLookup: 'GSI4',
} as const;

const keyAttributes = [
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'GSI4PK',
  'GSI4SK',
];

function gsi(n: 1 | 2 | 3 | 4) {
  return {
    IndexName: `GSI${n}`,
    KeySchema: [
      { AttributeName: `GSI${n}PK`, KeyType: 'HASH' as const },
      { AttributeName: `GSI${n}SK`, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  };
}

/** The `CreateTable` shape of the table (without its name). */
export const FINDINGS_TABLE_DEFINITION = {
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: keyAttributes.map((AttributeName) => ({
    AttributeName,
    AttributeType: 'S' as const,
  })),
  KeySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' as const },
    { AttributeName: 'SK', KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: [gsi(1), gsi(2), gsi(3), gsi(4)],
};
