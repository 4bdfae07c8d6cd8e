/**
 * Process entry point of the CLI (loaded by `bin/eks-netguard.mjs`). The only place
 * that touches `process`: argv, env, stdout/stderr, the clock and the exit code.
 */
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  now: () => new Date(),
});
