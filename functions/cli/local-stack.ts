/**
 * Process entry of the local stack (`npm start`): parses flags, starts the stack, and stops
 * it cleanly on Ctrl-C (SIGINT) or SIGTERM. The only file here that touches `process`.
 */
import { LocalStackUsageError, parseLocalStackArgs, USAGE } from './local/args.ts';
import { startLocalStack } from './local/stack.ts';

// As in the CLI: the SDK's multi-line "Node 20 support ends in 2027" notice would bury the
// start-up lines; Node 20 is a supported runtime here. Setting the variable opts back in.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<number> {
  let options: ReturnType<typeof parseLocalStackArgs>;
  try {
    options = parseLocalStackArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof LocalStackUsageError)) throw error;
    process.stderr.write(`eks-netguard local stack: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    stack = await startLocalStack(options, { log, now: () => new Date() });
  } catch (error) {
    process.stderr.write(
      `eks-netguard local stack: could not start: ${(error as Error).message.split('\n')[0]}\n`,
    );
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: stopping…`);
      stack.close().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  log('stopped.');
  return 0;
}

process.exitCode = await main();
