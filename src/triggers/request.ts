import { normalizeSessionId } from '../core/session-id.ts';
import { TriggerError } from '../errors.ts';

/** Which kind of event asked for the notification. */
export type TriggerKind = 'direct' | 'eventbridge' | 'sns' | 'sqs' | 'http';

/** What the notifier needs from any event: the session to report on, and the policy name when the event knows it. */
export interface SessionRequest {
  /** The appliance the event names; optional when the deployment serves one appliance. */
  readonly appliance?: string | undefined;
  readonly sessionId: string;
  readonly policyName: string | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Names what an event looks like without echoing any of its values (they may be large or hostile). */
export function describeShape(event: unknown): string {
  if (Array.isArray(event)) return 'an array';
  if (!isRecord(event)) return event === null ? 'null' : `a ${typeof event}`;
  const keys = Object.keys(event)
    .slice(0, 10)
    .map((key) => (key.length > 40 ? `${key.slice(0, 40)}…` : key).replace(/[^\w$.-]/g, '?'));
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}`;
}

/**
 * Reads the session request from a direct-invoke payload `{ sessionId }` or an EventBridge event `{ detail: { sessionId } }`.
 * Throws TriggerError naming the problem when the ID is missing or invalid.
 */
export function sessionRequestFrom(payload: unknown, trigger: TriggerKind): SessionRequest {
  const body = isRecord(payload) && isRecord(payload.detail) && 'detail-type' in payload ? payload.detail : payload;
  if (!isRecord(body) || !('sessionId' in body) || body.sessionId === undefined || body.sessionId === null) {
    throw new TriggerError(
      `session ID is missing: no sessionId found in the ${trigger} event (${describeShape(payload)})`,
    );
  }
  const sessionId = normalizeSessionId(body.sessionId);
  if (sessionId === null) {
    throw new TriggerError(
      `session ID is invalid in the ${trigger} event: it must be a non-negative integer or a UUID`,
    );
  }
  const policyName =
    typeof body.policyName === 'string' && body.policyName.trim() !== ''
      ? body.policyName.trim().slice(0, 200)
      : undefined;
  return { appliance: applianceOf(body, trigger), sessionId, policyName };
}

/** The appliance name an event carries, checked (never echoed when malformed); undefined when the event names none. */
function applianceOf(body: Record<string, unknown>, trigger: TriggerKind): string | undefined {
  const value = body.appliance;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !/^[a-z0-9-]{1,40}$/.test(value)) {
    throw new TriggerError(
      `appliance is invalid in the ${trigger} event: it must be 1-40 characters of a-z, 0-9 and -`,
    );
  }
  return value;
}
