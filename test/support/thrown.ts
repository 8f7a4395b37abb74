/**
 * The error `run` throws, checked to be an instance of `type`; fails the test when it returns or throws something
 * else (the synchronous twin of rejection()).
 */
export function thrown<E extends Error>(run: () => unknown, type: abstract new (...args: never[]) => E): E {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`);
  return error;
}
