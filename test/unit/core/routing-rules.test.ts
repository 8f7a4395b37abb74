import { describe, expect, it } from 'vitest';
import { chooseRoutes, globMatches, ruleMatches } from '../../../src/core/routing.ts';

describe('globMatches', () => {
  it('matches * as any run, ? as one character, the whole text, ignoring case', () => {
    expect(globMatches('eu-*', 'EU-West')).toBe(true);
    expect(globMatches('eu-*', 'us-eu-west')).toBe(false);
    expect(globMatches('eu-?', 'eu-1')).toBe(true);
    expect(globMatches('eu-?', 'eu-12')).toBe(false);
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('Nightly', 'nightly')).toBe(true);
  });

  it('takes every other character literally, regex characters included', () => {
    expect(globMatches('a.b', 'a.b')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('(x)+[y]{2}|$^\\', '(x)+[y]{2}|$^\\')).toBe(true);
    expect(globMatches('x+', 'xx')).toBe(false);
  });

  it('lets * run across a line break in a name', () => {
    expect(globMatches('a*b', 'a\nb')).toBe(true);
  });

  it('answers the same for a glob seen before', () => {
    expect(globMatches('cached-?', 'cached-1')).toBe(true);
    expect(globMatches('cached-?', 'cached-12')).toBe(false);
  });
});

describe('ruleMatches', () => {
  const facts = { appliance: 'eu-west', policy: 'Nightly SQL', outcome: 'failed' } as const;

  it('matches on every field given, and everything when none is', () => {
    expect(ruleMatches({}, facts)).toBe(true);
    expect(ruleMatches({ appliance: 'eu-*', policy: 'nightly*', outcomes: ['failed', 'warning'] }, facts)).toBe(true);
    expect(ruleMatches({ appliance: 'us-*' }, facts)).toBe(false);
    expect(ruleMatches({ policy: 'Weekly*' }, facts)).toBe(false);
    expect(ruleMatches({ outcomes: ['warning'] }, facts)).toBe(false);
  });

  it('matches a session of unknown policy only with the policy glob "*"', () => {
    const unknown = { ...facts, policy: null };
    expect(ruleMatches({ policy: '*' }, unknown)).toBe(true);
    expect(ruleMatches({ policy: '**' }, unknown)).toBe(false);
    expect(ruleMatches({ policy: 'Nightly*' }, unknown)).toBe(false);
    expect(ruleMatches({ appliance: 'eu-*' }, unknown)).toBe(true);
  });
});

describe('chooseRoutes', () => {
  const facts = { appliance: 'eu-west', policy: 'Nightly', outcome: 'failed' } as const;
  const rule = (appliance: string, go = false) => ({ match: { appliance }, continue: go });

  it('delivers through the first match only, unless it says continue', () => {
    expect(chooseRoutes([rule('us-*'), rule('eu-*'), rule('*')], facts)).toEqual({ rules: [1], usesDefault: false });
    expect(chooseRoutes([rule('eu-*', true), rule('us-*'), rule('*'), rule('*')], facts)).toEqual({
      rules: [0, 2],
      usesDefault: false,
    });
  });

  it('falls back to the default route when nothing matches', () => {
    expect(chooseRoutes([rule('us-*')], facts)).toEqual({ rules: [], usesDefault: true });
    expect(chooseRoutes([], facts)).toEqual({ rules: [], usesDefault: true });
  });
});
