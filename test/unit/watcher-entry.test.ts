import { describe, expect, it } from 'vitest';
import { TriggerError } from '../../src/errors.ts';
import { handler } from '../../src/watcher.ts';
import { lambdaContext } from '../support/lambda-context.ts';
import { rejection } from '../support/rejection.ts';

describe('the watcher entry point', () => {
  it('loads the watcher on first use and answers an unknown event with a TriggerError', async () => {
    const error = await rejection(handler({ hello: 'world' }, lambdaContext()), TriggerError);

    expect(error.message).toMatch(/the watcher expects an EventBridge "Scheduled Event"/);
  });
});
