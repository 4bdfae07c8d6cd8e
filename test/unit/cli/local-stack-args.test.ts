import { describe, expect, it } from 'vitest';
import { LocalStackUsageError, parseLocalStackArgs } from '../../../functions/cli/local/args.ts';

describe('local stack flags: --host', () => {
  it('leaves the host unset by default, so the stack binds 127.0.0.1 only', () => {
    const options = parseLocalStackArgs([], {});
    expect(options).not.toBe('help');
    expect(options === 'help' ? undefined : options.host).toBeUndefined();
  });

  it.each(['0.0.0.0', '::', '192.168.1.20', 'devbox.local'])('accepts --host %s', (host) => {
    const options = parseLocalStackArgs(['--host', host], {});
    expect(options === 'help' ? undefined : options.host).toBe(host);
  });

  it.each(['http://0.0.0.0', '127.0.0.1:3000', 'my host'])(
    'refuses --host %j in one line saying what it takes',
    (host) => {
      expect(() => parseLocalStackArgs(['--host', host], {})).toThrow(LocalStackUsageError);
      expect(() => parseLocalStackArgs(['--host', host], {})).toThrow(
        new RegExp(`^--host "${host.replace(/[.:/]/g, '\\$&')}": must be an IP address or host name`),
      );
    },
  );
});
