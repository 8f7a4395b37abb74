import { describe, expect, it } from 'vitest';
import { destinationUrlProblem, isLoopbackHost } from '../../../src/destinations/webhook-url.ts';
import { errorChain } from '../../../src/http/retry.ts';

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['api.localhost', true],
    ['[::1]', true],
    ['127.0.0.1', true],
    ['127.255.1.2', true],
    ['notlocalhost', false],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
    ['[::2]', false],
    ['127.example.com', false],
  ])('calls %s loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('link-local destinations', () => {
  const problem = (url: string) => destinationUrlProblem('generic', url, { hostCheck: true });

  it.each([
    'https://[fe80::1]/hook',
    'https://[fe9f::1]/hook',
    'https://[feab::1]/hook',
    'https://[febf:1::1]/hook',
    'https://169.254.169.254/latest',
    'http://169.254.0.1/x',
  ])('refuses %s, naming the address', (url) => {
    expect(problem(url)).toBe(
      `GENERIC_WEBHOOK_URL must not point at a link-local address (${new URL(url).hostname}, e.g. instance metadata)`,
    );
  });

  it.each([
    'https://[fec0::1]/hook',
    'https://[fe7f::1]/hook',
    'https://[2001:db8::1]/hook',
    'https://169.255.0.1/hook',
    'https://fe80.example.com/hook',
  ])('accepts %s over https as a generic webhook', (url) => {
    expect(problem(url)).toBeUndefined();
  });
});

describe('errorChain', () => {
  it('follows the cause of an Error only, not a cause field on a plain object', () => {
    const plain = { code: 'ECONNRESET', cause: 'inner' };
    expect(errorChain(plain)).toEqual([plain]);
  });
});

describe('destination URL messages', () => {
  it('says a value that does not parse must be a URL', () => {
    expect(destinationUrlProblem('slack', 'hooks.slack.com/services/x', { hostCheck: true })).toBe(
      'SLACK_WEBHOOK_URL must be a URL',
    );
  });

  it('tells how to turn the host check off when a proxy stands in between', () => {
    expect(destinationUrlProblem('pagerduty', 'https://proxy.example.com/v2/enqueue', { hostCheck: true })).toBe(
      'PAGERDUTY_EVENTS_URL must be the Events API v2 endpoint on events.pagerduty.com or events.eu.pagerduty.com (got host proxy.example.com; set WEBHOOK_HOST_CHECK=off only if a proxy stands in between)',
    );
  });

  it('accepts an IPv6 address that only contains "fe80" further in', () => {
    expect(destinationUrlProblem('generic', 'https://[2001:db8::fe80:1]/hook', { hostCheck: true })).toBeUndefined();
  });
});
