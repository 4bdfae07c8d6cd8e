import { describe, expect, it } from 'vitest';
import { parseVpcCniConfiguration } from '../../../functions/core/cluster-context.ts';

// configurationValues is parsed as JSON first and as YAML only when it is not JSON (the
// YAML parser is loaded on that path only, to keep it out of the Lambda cold start).
describe('parseVpcCniConfiguration', () => {
  it('reads env and enableNetworkPolicy from JSON text', () => {
    const settings = parseVpcCniConfiguration(
      '{"env":{"AWS_VPC_K8S_CNI_EXTERNALSNAT":"true","WARM_IP_TARGET":5},"enableNetworkPolicy":"true"}',
    );

    expect(settings).toEqual({
      env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true', WARM_IP_TARGET: '5' },
      enableNetworkPolicy: 'true',
    });
  });

  it('reads the same settings from block YAML text', () => {
    const settings = parseVpcCniConfiguration(
      'env:\n  AWS_VPC_K8S_CNI_EXTERNALSNAT: "true"\n  WARM_IP_TARGET: 5\nenableNetworkPolicy: true\n',
    );

    expect(settings).toEqual({
      env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true', WARM_IP_TARGET: '5' },
      enableNetworkPolicy: 'true',
    });
  });

  it('reads YAML flow mappings that are not JSON (unquoted keys)', () => {
    const settings = parseVpcCniConfiguration('{env: {ENABLE_POD_ENI: "true"}}');

    expect(settings).toEqual({ env: { ENABLE_POD_ENI: 'true' }, enableNetworkPolicy: undefined });
  });

  it('throws on text that is neither JSON nor YAML', () => {
    expect(() => parseVpcCniConfiguration('env: [unclosed')).toThrow();
  });

  it('throws when the configuration is not an object', () => {
    expect(() => parseVpcCniConfiguration('[1, 2]')).toThrow(/not an object/);
  });
});
