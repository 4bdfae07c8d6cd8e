/**
 * Process entry point of the CLI (loaded by `bin/eks-netguard.mjs`). The only place
 * that touches `process`: argv, env, stdout/stderr, the clock and the exit code.
 */
import { runCli } from './cli.ts';

// The SDK's multi-line "Node 20 support ends in 2027" warning would bury the CLI's
// one-line messages on every live scan; Node 20 is a supported runtime of this tool.
// Users can still opt back in by setting the variable to anything else.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  now: () => new Date(),
});
