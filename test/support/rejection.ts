/** The error a promise rejects with; fails the test when it resolves or rejects with a non-Error. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the invocation to fail');
  return error;
}
