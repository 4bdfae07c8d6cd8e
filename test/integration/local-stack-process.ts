/**
 * Starts the local stack (`functions/cli/local-stack.ts`) as a child process on a free port,
 * the way `npm start` does, and waits until it prints that it is serving.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface StackProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startStackProcess(args: string[] = [], timeoutMs = 60_000): Promise<StackProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'functions/cli/local-stack.ts', '--port', String(port), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => {
      const check = setInterval(() => {
        if (output.includes('Ctrl-C stops the stack.')) {
          clearInterval(check);
          resolve(true);
        }
      }, 50);
      exited.then(() => {
        clearInterval(check);
        resolve(false);
      });
    }),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
  ]);
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`local stack did not start:\n${output}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface StackRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the local stack to its exit (for start-up failures); SIGKILLs it after `timeoutMs`. */
export async function runStackProcess(args: string[], timeoutMs = 60_000): Promise<StackRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/cli/local-stack.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
