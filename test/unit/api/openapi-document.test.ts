import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../functions/core/api/openapi.ts';
import { ROUTES } from '../../../functions/core/api/routes.ts';

// The API schemas are zod/mini (cold start, issue 6): descriptions are registered by the
// `z.describe` check instead of classic `.describe()`, and constraints come from checks.
// These pin what GET /openapi.json must keep saying.
type Parameter = { name: string; description?: string; schema: Record<string, unknown> };
// biome-ignore lint/suspicious/noExplicitAny: walking a generated JSON document
type Json = any;

const document = buildOpenApiDocument(ROUTES) as Json;
const findingsParameters = document.paths['/findings'].get.parameters as Parameter[];

describe('OpenAPI document of the zod/mini API schemas', () => {
  it('keeps the description, bounds and default of the page size parameter', () => {
    // Act
    const limit = findingsParameters.find((p) => p.name === 'limit');

    // Assert
    expect(limit).toEqual({
      name: 'limit',
      in: 'query',
      required: false,
      description: 'page size, 1-500',
      schema: { default: 50, type: 'integer', minimum: 1, maximum: 500 },
    });
  });

  it('keeps descriptions set on optional wrappers and on inner schemas of query filters', () => {
    const byName = Object.fromEntries(findingsParameters.map((p) => [p.name, p]));

    expect(byName.cluster?.description).toBe('EKS cluster name');
    expect(byName.region).toMatchObject({
      description: 'AWS region',
      schema: { pattern: '^[a-z]{2}(-[a-z]+)+-\\d{1,2}$' },
    });
    expect(byName.cursor).toMatchObject({ schema: { type: 'string', minLength: 1, maxLength: 1024 } });
  });

  it('keeps nested output descriptions and nullability of a scan', () => {
    const scan = document.paths['/scans/{id}'].get.responses['200'].content['application/json'].schema;

    expect(scan.properties.progress.description).toBe(
      'clusters done so far out of the clusters the scan covers',
    );
    expect(scan.properties.progress.properties.clustersTotal).toMatchObject({
      anyOf: [{ type: 'integer' }, { type: 'null' }],
      description: 'null while the clusters are still being enqueued',
    });
    expect(scan.properties.counts.description).toBe('findings the scan reported, by severity');
  });

  it('documents the suppression body as a closed object with its required keys', () => {
    const body = document.paths['/suppressions'].post.requestBody.content['application/json'].schema;

    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(['ruleId', 'reason', 'expiresAt']);
  });
});
