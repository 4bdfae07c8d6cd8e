/**
 * Hands a `POST /scans` of a region or of everything to the `sweep` function with an
 * asynchronous Lambda invoke (`InvocationType: 'Event'`): the API answers 202 at once and
 * needs no EC2/EKS client or permission to list regions and clusters.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ApiScanRequest } from '../core/api-scan-request.ts';

/** Starts the listing of an API scan elsewhere. */
export interface SweepInvoker {
  /** Resolves once Lambda has queued the invocation; throws {@link SweepInvokeError} otherwise. */
  invoke(request: ApiScanRequest): Promise<void>;
}

/** The sweep function could not be invoked (the scan was not started). */
export class SweepInvokeError extends Error {
  override readonly name = 'SweepInvokeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

let defaultClient: LambdaClient | undefined;

/** The module's one Lambda client (adaptive retries), created on first use. */
export function defaultLambdaClient(): LambdaClient {
  defaultClient ??= new LambdaClient({ retryMode: 'adaptive', maxAttempts: 5 });
  return defaultClient;
}

export interface SweepInvokerOptions {
  /** Name or ARN of the sweep function (`SWEEP_FUNCTION_NAME`). */
  functionName: string;
  client?: LambdaClient;
}

export function createSweepInvoker(options: SweepInvokerOptions): SweepInvoker {
  const client = options.client ?? defaultLambdaClient();
  return {
    async invoke(request) {
      let statusCode: number | undefined;
      try {
        const answer = await client.send(
          new InvokeCommand({
            FunctionName: options.functionName,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify(request)),
          }),
        );
        statusCode = answer.StatusCode;
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new SweepInvokeError(`cannot invoke ${options.functionName}: ${reason}`, { cause: error });
      }
      // An accepted asynchronous invocation answers 202; anything else did not queue it.
      if (statusCode !== 202) {
        throw new SweepInvokeError(`${options.functionName} answered ${statusCode ?? 'no status'}, not 202`);
      }
    },
  };
}
