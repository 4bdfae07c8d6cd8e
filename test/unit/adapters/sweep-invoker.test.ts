import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSweepInvoker, SweepInvokeError } from '../../../functions/adapters/sweep-invoker.ts';
import type { ApiScanRequest } from '../../../functions/core/api-scan-request.ts';

const lambda = mockClient(LambdaClient);
const REQUEST: ApiScanRequest = {
  kind: 'api-scan',
  scanId: '0b5a4bd2-6f4e-4c0e-9a57-1f2b3c4d5e6f',
  accountId: '123456789012',
  region: 'eu-west-1',
  requestedAt: '2026-01-01T00:00:00.000Z',
};

describe('sweep invoker', () => {
  beforeEach(() => lambda.reset());

  it('invokes the sweep function asynchronously with the API scan request as JSON payload', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const invoker = createSweepInvoker({
      functionName: 'eks-netguard-dev-sweep',
      client: new LambdaClient({}),
    });
    // Act
    await invoker.invoke(REQUEST);
    // Assert
    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.FunctionName).toBe('eks-netguard-dev-sweep');
    expect(input.InvocationType).toBe('Event');
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual(REQUEST);
  });

  it('fails naming the function when Lambda does not accept the invocation (status other than 202)', async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    const invoker = createSweepInvoker({ functionName: 'sweep-fn', client: new LambdaClient({}) });
    // Act
    const outcome = invoker.invoke(REQUEST);
    // Assert
    await expect(outcome).rejects.toThrow(SweepInvokeError);
    await expect(outcome).rejects.toThrow(/sweep-fn answered 200, not 202/);
  });

  it('wraps an SDK error with its name, keeping it as the cause', async () => {
    // Arrange
    const denied = Object.assign(new Error('not authorized to perform lambda:InvokeFunction'), {
      name: 'AccessDeniedException',
    });
    lambda.on(InvokeCommand).rejects(denied);
    const invoker = createSweepInvoker({ functionName: 'sweep-fn', client: new LambdaClient({}) });
    // Act
    const error = await invoker.invoke(REQUEST).catch((e: unknown) => e);
    // Assert
    expect(error).toBeInstanceOf(SweepInvokeError);
    expect((error as Error).message).toMatch(
      /^cannot invoke sweep-fn: AccessDeniedException: not authorized/,
    );
    expect((error as Error).cause).toBeDefined();
  });
});
