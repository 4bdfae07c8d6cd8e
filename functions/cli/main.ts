/**
 * Process entry point of the CLI (loaded by `bin/eks-netguard.mjs`). The only place
 * that touches `process`: argv, env, stdout/stderr, the clock and the exit code.
 */
import { runCli } from './cli.ts';

// The SDK's multi-line "Node 20 support ends in 2027" warning would bury the CLI's
// one-line messages on every live scan; Node 20 is a supported runtime of this tool.
// Users can still opt back in by setting the variable to anything else.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * A reader that stops early (`| head`, a closed CI log pipe) is not a failure of the
 * scan: once a stream reports EPIPE, further output to it is dropped and the exit
 * code stays the one the scan chooses. Any other stream error is still fatal.
 */
function guardAgainstClosedPipe(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}

const writeStdout = guardAgainstClosedPipe(process.stdout);
const writeStderr = guardAgainstClosedPipe(process.stderr);

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: writeStdout,
  stderr: writeStderr,
  env: process.env,
  now: () => new Date(),
  stderrStream: process.stderr,
  stdin: process.stdin,
});

// An AWS call aborted at the --timeout deadline can leave a socket the SDK has not
// closed yet; it must not hold the process past the deadline. The timer is unref'd,
// so a normal run exits as soon as its output is flushed.
setTimeout(() => process.exit(), 2_000).unref();
