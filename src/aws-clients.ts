/**
 * Settings for every AWS SDK client: the SDK's defaults wait indefinitely, and each call must fit the invocation's
 * budget, so connecting and each request are bounded and a failed call is tried at most three times.
 */
export const AWS_CLIENT_OPTIONS = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
} as const;
