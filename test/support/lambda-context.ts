import type { Context } from 'aws-lambda';

/** A Lambda context whose remaining time counts down from `budgetMs`, as the real one does. */
export function lambdaContext(budgetMs = 15_000, requestId = 'test-request'): Context {
  const end = Date.now() + budgetMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'job-session-notifier-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:job-session-notifier-test',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/job-session-notifier-test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => end - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
