import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import {
  FINDINGS_TABLE_DEFINITION,
  TTL_ATTRIBUTE,
} from '../../../functions/adapters/store/table-definition.ts';

// CloudFormation short-form intrinsics, kept as plain objects so the fragment can be compared.
const customTags: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value }) },
  {
    tag: '!If',
    collection: 'seq',
    resolve: (value) => ({ 'Fn::If': (value as { toJSON(): unknown }).toJSON() }),
  },
];

const fragment = parse(readFileSync(new URL('../../../infra/findings-table.yml', import.meta.url), 'utf8'), {
  customTags,
});
const properties = fragment.Resources.FindingsTable.Properties;

describe('infra/findings-table.yml', () => {
  it('declares the keys, attributes and indexes of the table definition the code uses', () => {
    expect(properties.KeySchema).toEqual(FINDINGS_TABLE_DEFINITION.KeySchema);
    expect(properties.AttributeDefinitions).toEqual(FINDINGS_TABLE_DEFINITION.AttributeDefinitions);
    expect(properties.GlobalSecondaryIndexes).toEqual(FINDINGS_TABLE_DEFINITION.GlobalSecondaryIndexes);
    expect(properties.BillingMode).toBe(FINDINGS_TABLE_DEFINITION.BillingMode);
  });

  it('turns on TTL on the attribute the store writes, encryption, PITR and parameterised deletion protection', () => {
    expect(properties.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    expect(properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(properties.DeletionProtectionEnabled).toEqual({ 'Fn::If': ['ProtectData', true, false] });
  });
});
