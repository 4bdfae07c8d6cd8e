/**
 * Turns a zod failure into a one-line 400 that names the field and says what to fix.
 */
import type * as z from 'zod/mini';
import { BadRequestError } from './errors.ts';

export type InputPart = 'query' | 'path' | 'body';

/**
 * Parses `input` with `schema`.
 * @throws {BadRequestError} `<field>: <what is wrong>` for the first issue.
 */
export function parseInput<S extends z.ZodMiniType>(schema: S, input: unknown, part: InputPart): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new BadRequestError(`${part}: invalid`, { cause: result.error });
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => `"${k}"`).join(', ');
    const what = part === 'query' ? 'query parameter' : part === 'body' ? 'body key' : 'path parameter';
    const allowed = allowedKeys(schema);
    throw new BadRequestError(
      `${path ? `${path}: ` : ''}unknown ${what} ${names}${allowed ? ` (allowed: ${allowed})` : ''}`,
      { cause: result.error },
    );
  }
  const field = path || (part === 'body' ? 'body' : part);
  let message = issue.message;
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) message = 'is required';
  else if (issue.code === 'invalid_type' && issue.expected === 'object' && path === '') {
    message = 'must be a JSON object';
  }
  throw new BadRequestError(`${field}: ${message}`, { cause: result.error });
}

function allowedKeys(schema: z.ZodMiniType): string | undefined {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (!shape) return undefined;
  const keys = Object.keys(shape);
  return keys.length > 0 ? keys.join(', ') : 'none';
}
