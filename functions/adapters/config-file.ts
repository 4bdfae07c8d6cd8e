/**
 * The `--config` file: JSON (`.json`) or YAML (anything else), validated with the
 * core's `configFileSchema`. Every failure is one line that names the file and the
 * offending key, e.g. `config.yaml: ipExhaustion.highFreeBelow: expected number`.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { type ConfigFile, configFileSchema, describeZodError } from '../core/config.ts';

/** Config files are hand-written and tiny; anything bigger is a wrong path. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Parses and validates config text.
 * @param source the file name used as the message prefix
 * @param knownRuleIds when given, `disabledRules` and `severityOverrides` must name rules from it
 * @throws ConfigFileError
 */
export function parseConfigText(text: string, source: string, knownRuleIds?: readonly string[]): ConfigFile {
  let document: unknown;
  try {
    document = source.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    // Both parsers put the position in the first line of their message.
    const detail = error instanceof Error ? error.message.split('\n')[0]?.replace(/:$/, '') : String(error);
    throw new ConfigFileError(`${source}: cannot parse: ${detail}`, { cause: error });
  }
  // An empty file (or one with only comments) means "all defaults".
  if (document === null || document === undefined) document = {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigFileError(`${source}: expected a mapping of settings at the top level`);
  }
  const result = configFileSchema.safeParse(document);
  if (!result.success) {
    // zod prefixes type errors with "Invalid input: "; the key path already says that.
    const message = describeZodError(result.error).replace(': Invalid input: ', ': ');
    throw new ConfigFileError(`${source}: ${message}`, { cause: result.error });
  }
  const config = result.data;
  if (knownRuleIds) checkRuleIds(config, source, knownRuleIds);
  return config;
}

/** A typo in a rule id would silently disable nothing; refuse it instead. */
function checkRuleIds(config: ConfigFile, source: string, known: readonly string[]): void {
  const check = (key: string, ids: string[]) => {
    const unknown = ids.find((id) => !known.includes(id));
    if (unknown !== undefined) {
      throw new ConfigFileError(
        `${source}: ${key}: unknown rule id "${unknown}" (see \`eks-netguard rules\`)`,
      );
    }
  };
  check('disabledRules', config.disabledRules ?? []);
  check('severityOverrides', Object.keys(config.severityOverrides ?? {}));
}

/**
 * Reads and validates a config file.
 * @throws ConfigFileError (one line naming the file and what to fix)
 */
export async function readConfigFile(path: string, knownRuleIds?: readonly string[]): Promise<ConfigFile> {
  let text: string;
  try {
    const buffer = await readFile(path);
    if (buffer.byteLength > MAX_CONFIG_BYTES) {
      throw new ConfigFileError(`${path}: config file is larger than 1 MiB; is this the right file?`);
    }
    text = buffer.toString('utf8');
  } catch (error) {
    if (error instanceof ConfigFileError) throw error;
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error);
    throw new ConfigFileError(`cannot read config file ${path}: ${why}`, { cause: error });
  }
  return parseConfigText(text, path, knownRuleIds);
}
