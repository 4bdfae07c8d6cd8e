import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, parseConfigText, readConfigFile } from '../../../functions/adapters/config-file.ts';

const RULE_IDS = ['endpoint-public-open', 'subnet-ip-exhaustion'];

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('config file', () => {
  it('reads YAML with nested keys', () => {
    const config = parseConfigText(
      'minPublicCidrPrefix: 20\nipExhaustion:\n  highFreeBelow: 10\n',
      'config.yaml',
    );
    expect(config).toEqual({ minPublicCidrPrefix: 20, ipExhaustion: { highFreeBelow: 10 } });
  });

  it('reads JSON when the file name ends in .json', () => {
    expect(parseConfigText('{"disabledRules":["subnet-ip-exhaustion"]}', 'c.json', RULE_IDS)).toEqual({
      disabledRules: ['subnet-ip-exhaustion'],
    });
  });

  it('treats an empty file as all defaults', () => {
    expect(parseConfigText('# nothing yet\n', 'config.yaml')).toEqual({});
  });

  it('names the key and the expected type on a bad type', () => {
    const error = errorOf(() => parseConfigText('ipExhaustion:\n  highFreeBelow: lots\n', 'config.yaml'));
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error.message).toMatch(/^config\.yaml: ipExhaustion\.highFreeBelow: expected number/);
    expect(error.message).not.toContain('\n');
  });

  it('names an unknown key', () => {
    const error = errorOf(() => parseConfigText('minPublicCidrPrefx: 16\n', 'config.yaml'));
    expect(error.message).toBe('config.yaml: unknown key "minPublicCidrPrefx"');
  });

  it('reports malformed YAML as a parse error with its position, on one line', () => {
    const error = errorOf(() => parseConfigText('disabledRules: [a,\n  b\nfoo: : :\n', 'config.yaml'));
    expect(error.message).toMatch(/^config\.yaml: cannot parse: .*line \d+/);
    expect(error.message).not.toContain('\n');
  });

  it('reports malformed JSON as a parse error', () => {
    expect(errorOf(() => parseConfigText('{"a":', 'config.json')).message).toMatch(
      /^config\.json: cannot parse:/,
    );
  });

  it('rejects a top-level list', () => {
    expect(errorOf(() => parseConfigText('- a\n', 'config.yaml')).message).toBe(
      'config.yaml: expected a mapping of settings at the top level',
    );
  });

  it('rejects rule ids that are not in the catalog (a typo would silently disable nothing)', () => {
    const disabled = errorOf(() =>
      parseConfigText('disabledRules: [endpoint-publc-open]\n', 'c.yaml', RULE_IDS),
    );
    expect(disabled.message).toBe(
      'c.yaml: disabledRules: unknown rule id "endpoint-publc-open" (see `eks-netguard rules`)',
    );
    const override = errorOf(() => parseConfigText('severityOverrides:\n  nope: LOW\n', 'c.yaml', RULE_IDS));
    expect(override.message).toContain('severityOverrides: unknown rule id "nope"');
  });

  it('says when the file cannot be read', async () => {
    await expect(readConfigFile('/definitely/missing.yaml')).rejects.toThrow(
      'cannot read config file /definitely/missing.yaml: no such file',
    );
  });

  it('reads a file from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netguard-config-'));
    const path = join(dir, 'netguard.yml');
    await writeFile(path, 'allowedPublicCidrs: [203.0.113.0/24]\n');
    await expect(readConfigFile(path)).resolves.toEqual({ allowedPublicCidrs: ['203.0.113.0/24'] });
  });
});
