/** Runs the CLI in-process with captured output (helper for the CLI tests, not a test file). */
import { type CliDeps, runCli } from '../../../functions/cli/cli.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(argv: string[], overrides: Partial<CliDeps> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    now: () => new Date('2026-02-01T12:00:00.000Z'),
    collect: async () => {
      throw new Error('live collection must not be called in this test');
    },
    ...overrides,
    // No real ~/.aws: a profile region of the machine running the tests must not leak in.
    env: { HOME: '/nonexistent-home', ...overrides.env },
  });
  return { code, stdout, stderr };
}
