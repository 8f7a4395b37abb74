import * as z from 'zod/mini';

import { normalizeSessionId } from './session-id-format.ts';

export { normalizeSessionId };

/**
 * A job session ID as events carry it: a non-negative integer (number or digits) or a UUID.
 * @example "38" | 38 | "7c4b8f0e-3a65-4b5a-9d0e-4e4b1c2a9f10"
 */
export const SessionIdSchema = z.pipe(
  z.union([z.string(), z.number()], { error: 'must be a string or a number' }),
  z.transform((value, ctx) => {
    const id = normalizeSessionId(value);
    if (id !== null) return id;
    ctx.issues.push({ code: 'custom', message: 'must be a non-negative integer or a UUID', input: value });
    return z.NEVER;
  }),
);
