import { z } from 'zod';

// v1 appliances number their sessions; v3 and later use UUIDs. Nothing else may reach the request path.
const INTEGER_ID = /^\d{1,19}$/;
const UUID_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A job session ID as events carry it: a non-negative integer (number or digits) or a UUID.
 * @example "38" | 38 | "7c4b8f0e-3a65-4b5a-9d0e-4e4b1c2a9f10"
 */
export const SessionIdSchema = z
  .union([z.string(), z.number()], { error: 'must be a string or a number' })
  .transform((value, ctx) => {
    const text =
      typeof value === 'number' ? (Number.isSafeInteger(value) && value >= 0 ? String(value) : '') : value.trim();
    if (INTEGER_ID.test(text) || UUID_ID.test(text)) return text.toLowerCase();
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative integer or a UUID' });
    return z.NEVER;
  });
