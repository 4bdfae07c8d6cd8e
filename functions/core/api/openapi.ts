/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas with
 * `z.toJSONSchema`, so the document describes exactly what the router validates.
 */
import * as z from 'zod/mini';
import type { Route } from './routes.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Query or path parameters of an object schema, one OpenAPI parameter per key. */
function parameters(schema: z.ZodMiniType | undefined, location: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * Builds the OpenAPI 3.1 document of `routes`.
 * Security is `AWS_IAM` (SigV4) in the deployed stack; the scheme is declared for clients.
 */
export function buildOpenApiDocument(routes: readonly Route[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const responses: Record<string, JsonSchema> = {};
    for (const [status, answer] of Object.entries(route.responses)) {
      responses[status] = {
        description: answer.description,
        ...(answer.schema
          ? { content: { 'application/json': { schema: jsonSchema(answer.schema, 'output') } } }
          : {}),
      };
    }
    responses['500'] ??= {
      description: 'Internal error (no details; quote the request id)',
    };
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses,
    };
    if (route.body) {
      operation.requestBody = {
        required: !route.emptyBodyIsObject,
        content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
      };
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonSchema>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'eks-netguard findings API',
      version: '1',
      description:
        'Findings of the EKS networking compliance scanner. Lists answer { items, nextCursor }; errors answer { error: { code, message } }.',
    },
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (API Gateway AWS_IAM authorization)',
        },
      },
    },
    security: [{ sigv4: [] }],
    paths,
  };
}
