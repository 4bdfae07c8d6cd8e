/**
 * The command-line interface, runnable in-process: `runCli(argv, deps)` returns the
 * exit code instead of exiting, and writes only through `deps`, so tests drive it
 * like a user would.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { ConfigFileError } from '../adapters/config-file.ts';
import { SnapshotFileError } from '../adapters/snapshot-file.ts';
import { SEVERITIES } from '../core/model.ts';
import { RULES } from '../core/rules/index.ts';
import { parseSeverity, runScan, SCAN_FORMATS, type ScanFormat } from './commands/scan.ts';
import { DEFAULT_TIMEOUT, parseTimeout } from './deadline.ts';
import { EXIT, UsageError } from './errors.ts';
import { formatRulesJson, formatRulesTable } from './formatters/rules.ts';
import { collectLive, type LiveCollector } from './live-source.ts';
import type { ProgressStream } from './progress.ts';

export interface CliDeps {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  /** Live AWS collection; tests inject a fake. */
  collect?: LiveCollector;
  /** The stream behind `stderr`, for the progress display (a spinner when it is a terminal). */
  stderrStream?: ProgressStream;
  /** Standard input, read by `--snapshot-in -`. */
  stdin?: AsyncIterable<unknown>;
}

const TOOL_VERSION: string = createRequire(import.meta.url)('../../package.json').version;

const repeatable = (value: string, previous: string[]) => [...previous, value];

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function buildProgram(deps: CliDeps, setExit: (code: number) => void): Command {
  const program = new Command('eks-netguard')
    .description(
      'Compliance scanner for Amazon EKS networking: endpoint access, security groups, subnets, pod networking.',
    )
    .version(TOOL_VERSION)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => deps.stdout(text),
      writeErr: (text) => deps.stderr(text),
      // Commander's own error lines are re-printed by runCli as exactly one line.
      outputError: () => {},
    });

  program
    .command('scan')
    .description('Scan EKS clusters (live AWS, an emulator, a snapshot file, or the bundled demo account)')
    .option(
      '--region <region>',
      'region to scan: a name, a comma list, or all (every enabled region); repeatable; ' +
        "default AWS_REGION, AWS_DEFAULT_REGION, then the profile's region in ~/.aws/config",
      repeatable,
      [],
    )
    .option('--cluster <name>', 'only this cluster (repeatable)', repeatable, [])
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (e.g. moto_server)')
    .option(
      '--snapshot-in <file>',
      'scan a saved snapshot file instead of calling AWS (- reads standard input)',
    )
    // Short spelling people reach for; DESIGN.md's name is --snapshot-in.
    .addOption(new Option('--snapshot <file>', 'same as --snapshot-in').hideHelp())
    .option('--snapshot-out <file>', 'save the collected snapshot as JSON')
    .option('--demo', 'scan the bundled demo account (no AWS access needed)')
    .addOption(new Option('--format <format>', 'output format').choices(SCAN_FORMATS).default('table'))
    .option(
      '--fail-on <severity>',
      `exit 1 when a finding is at or above this severity (${SEVERITIES.join('|')})`,
    )
    .option('--config <file>', 'rule configuration file (YAML or JSON)')
    .option(
      '--timeout <duration>',
      'deadline of the whole scan (e.g. 90s, 10m, 1h); calls still unanswered then are collection errors',
      DEFAULT_TIMEOUT,
    )
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .option(
      '--template <file...>',
      'judge CloudFormation or CDK templates (YAML or JSON) before deployment; several files are joined (exports, nested stacks)',
    )
    .option('--parameter <key=value>', 'template parameter value (repeatable)', repeatable, [])
    .option(
      '--terraform-plan <file>',
      'judge a Terraform plan before apply (the JSON of terraform show -json)',
    )
    .option(
      '--sarif-artifact <file>',
      'with --format sarif: the repository file every result points at (default eks/<account>/<region>/<cluster>)',
    )
    .action(async (raw: Record<string, unknown>) => {
      if (raw.snapshot !== undefined) {
        if (raw.snapshotIn !== undefined && raw.snapshotIn !== raw.snapshot)
          throw new UsageError('--snapshot and --snapshot-in name different files; pass one of them');
        raw.snapshotIn = raw.snapshot;
      }
      if (raw.demo && raw.snapshotIn)
        throw new UsageError('--demo and --snapshot-in cannot be used together');
      const planned = raw.template !== undefined || raw.terraformPlan !== undefined;
      if (planned && (raw.demo || raw.snapshotIn || raw.endpointUrl))
        throw new UsageError(
          '--template/--terraform-plan scan files, not an account: drop --demo, --snapshot-in and --endpoint-url',
        );
      if (raw.endpointUrl && (raw.demo || raw.snapshotIn)) {
        throw new UsageError(
          '--endpoint-url applies to live scans only; drop it or drop --demo/--snapshot-in',
        );
      }
      const code = await runScan(
        {
          region: raw.region as string[],
          cluster: raw.cluster as string[],
          endpointUrl: raw.endpointUrl as string | undefined,
          snapshotIn: raw.snapshotIn as string | undefined,
          snapshotOut: raw.snapshotOut as string | undefined,
          demo: raw.demo === true,
          format: raw.format as ScanFormat,
          failOn: typeof raw.failOn === 'string' ? parseSeverity(raw.failOn) : undefined,
          config: raw.config as string | undefined,
          timeoutMs: parseTimeout(raw.timeout as string),
          timeoutText: (raw.timeout as string).trim(),
          progress: raw.progress === true,
          ...(typeof raw.sarifArtifact === 'string' ? { sarifArtifact: raw.sarifArtifact } : {}),
          ...(Array.isArray(raw.template) ? { template: raw.template as string[] } : {}),
          ...((raw.parameter as string[]).length > 0 ? { parameters: raw.parameter as string[] } : {}),
          ...(typeof raw.terraformPlan === 'string' ? { terraformPlan: raw.terraformPlan } : {}),
        },
        {
          ...deps,
          collect: deps.collect ?? collectLive,
          toolVersion: TOOL_VERSION,
          ...(deps.stderrStream ? { progressStream: deps.stderrStream } : {}),
          ...(deps.stdin ? { stdin: deps.stdin } : {}),
        },
      );
      setExit(code);
    });

  program
    .command('rules')
    .description('List the rule catalog')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((raw: { format: 'table' | 'json' }) => {
      deps.stdout(raw.format === 'json' ? formatRulesJson(RULES) : formatRulesTable(RULES));
      setExit(EXIT.ok);
    });

  return program;
}

/**
 * Runs the CLI with `argv` (without the node and script entries).
 * @returns the process exit code: 0 ok, 1 findings at or above `--fail-on`, 2 usage or collection errors
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(deps, (code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // `help` with error:true (e.g. an unknown command group) already printed the help text.
      if (error.code === 'commander.help') return EXIT.usage;
      deps.stderr(
        `eks-netguard: ${oneLine(error.message.replace(/^error: /, ''))} (see eks-netguard --help)\n`,
      );
      return EXIT.usage;
    }
    if (
      error instanceof UsageError ||
      error instanceof ConfigFileError ||
      error instanceof SnapshotFileError
    ) {
      deps.stderr(`eks-netguard: ${oneLine(error.message)}\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    deps.stderr(`eks-netguard: unexpected error: ${oneLine(message)}\n`);
    return EXIT.usage;
  }
}
