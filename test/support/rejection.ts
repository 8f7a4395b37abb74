/**
 * The error a promise rejects with, checked to be an instance of `type` (any Error by default); fails the test when
 * the promise resolves or rejects with something else.
 */
export async function rejection<E extends Error = Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E = Error as unknown as abstract new (
    ...args: never[]
  ) => E,
): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`);
  return error;
}
