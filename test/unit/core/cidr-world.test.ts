import { describe, expect, it } from 'vitest';
import { cidrTextsOverlap, isPublicCidr, parseCidr, worldSet } from '../../../functions/core/cidr.ts';

describe('worldSet (RULES.md "world")', () => {
  it.each([
    [['0.0.0.0/0'], ['0.0.0.0/0']],
    [['::/0'], ['::/0']],
    [
      ['0.0.0.0/1', '128.0.0.0/1'],
      ['0.0.0.0/1', '128.0.0.0/1'],
    ],
    [
      ['::/1', '8000::/1'],
      ['::/1', '8000::/1'],
    ],
    [
      ['128.0.0.0/1', '0.0.0.0/2', '64.0.0.0/2', '10.0.0.0/8'],
      ['128.0.0.0/1', '0.0.0.0/2', '64.0.0.0/2', '10.0.0.0/8'],
    ],
  ])('names every CIDR of a list whose union is the whole space: %j', (list, expected) => {
    expect(worldSet(list)).toEqual(expected);
  });

  it.each([
    [['0.0.0.0/1']],
    [['0.0.0.0/1', '128.0.0.0/2']],
    [['0.0.0.0/1', '::/1', '8000::/2', '192.0.0.0/2']],
    [['10.0.0.0/8', 'banana']],
    [[]],
  ])('is empty when the union leaves a gap: %j', (list) => {
    expect(worldSet(list)).toEqual([]);
  });

  it('keeps IPv4 and IPv6 apart: half of each is not world', () => {
    expect(worldSet(['0.0.0.0/1', '8000::/1'])).toEqual([]);
  });
});

describe('isPublicCidr (RULES.md "public CIDR")', () => {
  it.each(['52.0.0.0/8', '0.0.0.0/1', '198.51.100.0/24', '2600::/16', '11.0.0.0/8'])(
    '%s is public',
    (text) => {
      expect(isPublicCidr(parseCidr(text)!)).toBe(true);
    },
  );

  it.each([
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.1.0/24',
    '100.64.0.0/10',
    '127.0.0.1/32',
    '169.254.0.0/16',
    'fd00::/8',
    'fe80::/10',
    '::1/128',
  ])('%s is not public', (text) => {
    expect(isPublicCidr(parseCidr(text)!)).toBe(false);
  });

  it('calls a block straddling private space public (not inside a private block)', () => {
    expect(isPublicCidr(parseCidr('8.0.0.0/6')!)).toBe(true);
  });
});

describe('cidrTextsOverlap', () => {
  it('detects partial and full overlaps and ignores other IP versions', () => {
    expect(cidrTextsOverlap('10.0.0.0/16', '10.0.128.0/17')).toBe(true);
    expect(cidrTextsOverlap('10.0.0.0/16', '10.1.0.0/16')).toBe(false);
    expect(cidrTextsOverlap('10.0.0.0/8', '::/0')).toBe(false);
  });
});
