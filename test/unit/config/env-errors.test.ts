import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { issueText, parseEnv } from '../../../src/config/env.ts';
import { loadConfig } from '../../../src/config/notifier.ts';
import { ConfigError } from '../../../src/errors.ts';
import { thrown } from '../../support/thrown.ts';

describe('parseEnv', () => {
  it('calls a problem with the variables together, rather than with one of them, "environment"', () => {
    const schema = z
      .object({ FIRST: z.optional(z.string()), SECOND: z.optional(z.string()) })
      .check(z.refine((v) => !(v.FIRST && v.SECOND), 'sets both FIRST and SECOND'));
    const error = thrown(() => parseEnv(schema, ['FIRST', 'SECOND'], { FIRST: 'a', SECOND: 'b' }, 'pair'), ConfigError);
    expect(error.message).toBe('invalid pair: environment sets both FIRST and SECOND');
  });

  it('keeps the validation issues as the cause of a configuration error, without the refused value', () => {
    const token = 'xoxb-short';
    const error = thrown(
      () =>
        loadConfig({
          BACKUP_API_URL: 'https://a.example.com',
          BACKUP_API_TOKEN: 'tok-123456',
          SLACK_BOT_TOKEN: token,
          SLACK_CHANNEL: 'C0123ABCDEF',
        }),
      ConfigError,
    );
    expect(error.message).toBe('invalid configuration: SLACK_BOT_TOKEN must be a Slack bot token (xoxb-…)');
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as z.core.$ZodError).issues).toMatchObject([
      { path: ['SLACK_BOT_TOKEN'], message: 'must be a Slack bot token (xoxb-…)' },
    ]);
    expect(JSON.stringify((error.cause as z.core.$ZodError).issues)).not.toContain(token);
  });
});

describe('loadConfig, SLACK_API_URL', () => {
  it('drops every trailing slash, so calls go to <url>/chat.postMessage', () => {
    const config = loadConfig({
      BACKUP_API_URL: 'https://a.example.com',
      BACKUP_API_TOKEN: 'tok-123456',
      SLACK_BOT_TOKEN: 'xoxb-0123456789-abcdef',
      SLACK_CHANNEL: 'C0123ABCDEF',
      SLACK_API_URL: 'http://127.0.0.1:9/api///',
    });
    expect(config.slackApp?.apiUrl).toBe('http://127.0.0.1:9/api');
  });
});

describe('issueText', () => {
  it('keeps a rule message, and names a field that is not one by the given word', () => {
    const issue = z.string().check(z.minLength(3, 'must be at least 3 characters')).safeParse('ab').error?.issues[0];

    expect(issue && issueText(issue, 'entry')).toBe('entry must be at least 3 characters');
  });

  it('says which type was expected where zod/mini only says "Invalid input"', () => {
    const issues = z.object({ name: z.string(), list: z.array(z.string()) }).safeParse({ name: 5, list: 'x' })
      .error?.issues;

    expect(issues?.map((issue) => issueText(issue, 'entry'))).toEqual([
      'name must be a string',
      'list must be an array',
    ]);
  });

  it('calls any other bare problem "is not valid" rather than "Invalid input"', () => {
    const issue = z.union([z.literal('a'), z.literal('b')]).safeParse('c').error?.issues[0];

    expect(issue && issueText(issue, 'mode')).toBe('mode is not valid');
  });
});
