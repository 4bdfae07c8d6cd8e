/**
 * The CLI as scripts and CI run it: a real `node bin/eks-netguard.mjs` process.
 * - an endpoint that accepts connections and never answers must not hang the scan:
 *   `--timeout` bounds it, the timed-out call is named, the exit code is 2;
 * - a reader that closes stdout early (`| head`) must not produce an EPIPE stack
 *   trace, and the exit code stays the scan's own.
 * No AWS and no emulator: the "endpoints" are sockets opened by the test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Credentials and region for a scan against a fake endpoint: nothing real is reached. */
const FAKE_AWS_ENV = {
  PATH: process.env.PATH,
  HOME: '/nonexistent-home',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
};

function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['bin/eks-netguard.mjs', ...args], {
    env: FAKE_AWS_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess) {
  const started = Date.now();
  return new Promise<ProcessResult>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - started }));
  });
}

const STACK_FRAME = /\n\s+at .+(:\d+:\d+\)?)$/m;

describe('a scan against an endpoint that never answers', () => {
  let blackhole: Server;
  const sockets = new Set<Socket>();
  let endpoint: string;

  beforeAll(async () => {
    // Accepts every connection, reads the request and never writes a byte back:
    // what a stalled VPN or proxy looks like to the SDK.
    blackhole = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => {});
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const address = blackhole.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    endpoint = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
  });

  it('exits 2 within --timeout plus a few seconds and names the call that did not answer', async () => {
    const result = await collect(
      startCli(['scan', '--endpoint-url', endpoint, '--timeout', '3s', '--format', 'json']),
    );

    expect(result.code).toBe(2);
    expect(result.elapsedMs).toBeLessThan(3_000 + 8_000);
    // The first call of a live scan reads the account id.
    expect(result.stderr).toMatch(/GetCallerIdentity.*no answer within the scan deadline \(--timeout 3s\)/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  }, 30_000);
});

/** Answers STS GetCallerIdentity, then leaves every other call (EKS, EC2) hanging. */
function startHalfBlackhole(): Promise<{ server: HttpServer; endpoint: string }> {
  const server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      if (!body.includes('Action=GetCallerIdentity')) return; // never answered
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
          '<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn>' +
          '<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>' +
          '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      resolve({ server, endpoint: `http://127.0.0.1:${address.port}` });
    });
  });
}

describe('a scan whose EKS calls never answer', () => {
  let server: HttpServer;
  let endpoint: string;

  beforeAll(async () => {
    ({ server, endpoint } = await startHalfBlackhole());
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('prints the report with the timed-out call as a collection error and exits 2', async () => {
    const result = await collect(
      startCli(['scan', '--endpoint-url', endpoint, '--timeout', '3s', '--format', 'json']),
    );

    expect(result.code).toBe(2);
    expect(result.elapsedMs).toBeLessThan(3_000 + 8_000);
    const report = JSON.parse(result.stdout);
    expect(report.accountId).toBe('123456789012');
    expect(report.errors).toEqual([
      expect.objectContaining({
        region: 'us-east-1',
        operation: 'ListClusters',
        message: expect.stringContaining('no answer within the scan deadline (--timeout 3s)'),
      }),
    ]);
  }, 30_000);
});

/**
 * `eks-netguard … | head -c 100`, run by bash exactly as a CI script would; the
 * process's own exit code comes back through PIPESTATUS.
 */
function runPipedToHead(args: string[]): Promise<ProcessResult> {
  const quoted = args.map((a) => `'${a}'`).join(' ');
  return collect(
    spawn(
      'bash',
      ['-c', `"$NODE" bin/eks-netguard.mjs ${quoted} | head -c 100 >/dev/null; exit \${PIPESTATUS[0]}`],
      { env: { ...FAKE_AWS_ENV, NODE: process.execPath }, stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
}

describe('stdout closed early by the reader (| head)', () => {
  // Each of these writes more than a 64 KiB pipe buffer, so the writer meets the closed pipe.
  it.each([
    [['--format', 'sarif'], 0],
    [['--format', 'json'], 0],
    [['--format', 'sarif', '--fail-on', 'HIGH'], 1],
    [['--format', 'json', '--fail-on', 'HIGH'], 1],
  ])(
    "scan --demo %j exits %i (the scan's own code) without a stack trace",
    async (extra, expectedCode) => {
      const result = await runPipedToHead(['scan', '--demo', ...extra]);

      expect(result.code).toBe(expectedCode);
      expect(result.stderr).not.toContain('EPIPE');
      expect(result.stderr).not.toMatch(STACK_FRAME);
    },
    30_000,
  );
});
