/**
 * Client timeouts and the scan deadline of `createAwsClients`: no network, the HTTP
 * handler is a fake that never answers unless aborted.
 */

import { createServer, type Socket } from 'node:net';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { ListClustersCommand } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { NodeHttpHandler, NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { describe, expect, it, vi } from 'vitest';
import {
  type AwsCallRecord,
  AwsCallTimeoutError,
  createAwsClients,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  EMULATOR_CREDENTIALS,
} from '../../../functions/adapters/aws-clients.ts';
import { describeAwsError } from '../../../functions/adapters/errors.ts';

/** A handler that never answers; it records whether the deadline aborted the request on the wire. */
function silentHandler() {
  const seen = { requests: 0, aborted: 0 };
  const handler = {
    handle: (_request: unknown, options: { abortSignal?: AbortSignal } = {}) => {
      seen.requests += 1;
      return new Promise<never>((_resolve, reject) => {
        options.abortSignal?.addEventListener('abort', () => {
          seen.aborted += 1;
          reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
        });
      });
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
  } as unknown as NodeHttpHandler;
  return { handler, seen };
}

/** The resolved options of a NodeHttpHandler (read from its config promise: no request needed). */
function handlerConfig(handler: unknown): Promise<NodeHttpHandlerOptions> {
  return (handler as { configProvider: Promise<NodeHttpHandlerOptions> }).configProvider;
}

describe('createAwsClients timeouts', () => {
  it('gives every client connection and request timeouts by default', async () => {
    // Arrange
    const clients = createAwsClients({ credentials: EMULATOR_CREDENTIALS });

    // Act
    const configs = await Promise.all(
      [clients.ec2('eu-west-1'), clients.eks('eu-west-1'), clients.sts('eu-west-1')].map((c) =>
        handlerConfig(c.config.requestHandler),
      ),
    );

    // Assert: the SDK's own default is no timeout at all.
    for (const config of configs) {
      expect(config).toMatchObject({
        connectionTimeout: 5_000,
        requestTimeout: 30_000,
        throwOnRequestTimeout: true,
      });
    }
    expect([DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS]).toEqual([5_000, 30_000]);
  });

  it('takes explicit timeouts and refuses a zero one naming the option', async () => {
    const clients = createAwsClients({ connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000 });
    const config = await handlerConfig(clients.ec2('eu-west-1').config.requestHandler);
    expect(config).toMatchObject({ connectionTimeout: 1_000, requestTimeout: 2_000 });
    expect(() => createAwsClients({ requestTimeoutMs: 0 })).toThrow(
      /^invalid AWS client option requestTimeoutMs: /,
    );
  });

  it('fails an attempt that gets no answer within the request timeout (loopback socket that never answers)', async () => {
    // Arrange
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const clients = createAwsClients({
      endpointUrl: `http://127.0.0.1:${port}`,
      credentials: EMULATOR_CREDENTIALS,
      maxAttempts: 1,
      requestTimeoutMs: 200,
    });

    // Act
    let error: unknown;
    try {
      error = await clients
        .sts('us-east-1')
        .send(new GetCallerIdentityCommand({}))
        .catch((e: unknown) => e);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }

    // Assert: without a request timeout this call would wait forever.
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('fails a call in flight when the deadline fires, aborting its request, and names the call', async () => {
    // Arrange
    const { handler, seen } = silentHandler();
    const controller = new AbortController();
    const deadline = { signal: controller.signal, description: 'scan deadline (--timeout 5s)' };
    const clients = createAwsClients({
      credentials: EMULATOR_CREDENTIALS,
      requestHandler: handler,
      deadline,
    });
    const call = clients.sts('us-east-1').send(new GetCallerIdentityCommand({}));
    await vi.waitFor(() => expect(seen.requests).toBe(1));

    // Act
    controller.abort();
    const error = await call.catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(AwsCallTimeoutError);
    expect(describeAwsError(error)).toBe(
      'Timeout: GetCallerIdentity got no answer within the scan deadline (--timeout 5s)',
    );
    expect(seen).toEqual({ requests: 1, aborted: 1 });
  });

  it('fails calls started after the deadline at once, without sending them', async () => {
    const { handler, seen } = silentHandler();
    const deadline = { signal: AbortSignal.abort(), description: 'scan deadline (--timeout 1s)' };
    const clients = createAwsClients({
      credentials: EMULATOR_CREDENTIALS,
      requestHandler: handler,
      deadline,
    });

    const error = await clients
      .ec2('eu-west-1')
      .send(new DescribeSubnetsCommand({}))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AwsCallTimeoutError);
    expect((error as AwsCallTimeoutError).operation).toBe('DescribeSubnets');
    expect(seen.requests).toBe(0);
  });

  it('reports each settled call with its service, region and operation', async () => {
    const calls: AwsCallRecord[] = [];
    const { handler } = silentHandler();
    const deadline = { signal: AbortSignal.abort(), description: 'scan deadline (--timeout 1s)' };
    const clients = createAwsClients({
      credentials: EMULATOR_CREDENTIALS,
      requestHandler: handler,
      deadline,
      onCallSettled: (call) => calls.push(call),
    });

    await clients
      .eks('ap-south-1')
      .send(new ListClustersCommand({}))
      .catch(() => {});

    expect(calls).toEqual([
      {
        service: 'eks',
        region: 'ap-south-1',
        operation: 'ListClusters',
        durationMs: expect.any(Number),
        ok: false,
      },
    ]);
  });
});
