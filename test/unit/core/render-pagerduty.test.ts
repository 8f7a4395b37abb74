import { describe, expect, it } from 'vitest';
import { PAGERDUTY_LIMITS, pagerDutyEvent } from '../../../src/core/render/pagerduty.ts';
import { summarize } from '../../../src/core/summarize.ts';
import type { Notification, SessionContext } from '../../../src/core/summary.ts';

const OPTIONS = {
  routingKey: 'R0uting0Key0Unit0123456789abcdef',
  source: 'backup.example.com',
  notifyOn: 'failures',
} as const;

const session = (overrides: Partial<SessionContext> = {}): SessionContext => ({
  policyName: 'Nightly-Azure-VMs',
  type: 'Policy Backup',
  status: 'Error',
  startedAt: '2024-03-12T01:00:04Z',
  endedAt: '2024-03-12T01:17:19Z',
  url: 'https://appliance/#/sessions/77',
  durationMs: null,
  fetched: true,
  ...overrides,
});

/** `context` null: the session call failed and the notification has no context. */
const notification = (statuses: string[], context: SessionContext | null = session()): Notification => ({
  kind: 'summary',
  summary: summarize('77', { log: statuses.map((status, i) => ({ status, message: `step ${i} ${status}` })) }),
  ...(context ? { session: context } : {}),
});

describe('pagerDutyEvent', () => {
  describe('for a failed session', () => {
    const decided = pagerDutyEvent(notification(['Success', 'Error', 'Warning']), OPTIONS);

    it('triggers a critical event keyed by appliance host and policy, with summary, details and link', () => {
      expect(decided).toEqual({
        event: {
          routing_key: OPTIONS.routingKey,
          event_action: 'trigger',
          dedup_key: 'backup.example.com/policy/Nightly-Azure-VMs',
          payload: {
            summary: '❌ Nightly-Azure-VMs failed — session 77',
            source: 'backup.example.com',
            severity: 'critical',
            timestamp: '2024-03-12T01:17:19Z',
            component: 'Nightly-Azure-VMs',
            group: 'Policy Backup',
            class: 'backup job session',
            custom_details: {
              session_id: '77',
              job: 'Nightly-Azure-VMs',
              outcome: 'failed',
              appliance_status: 'Error',
              session_type: 'Policy Backup',
              started_at: '2024-03-12T01:00:04Z',
              ended_at: '2024-03-12T01:17:19Z',
              steps: '3 steps: 1 Error, 1 Warning, 1 Success',
              duration: '17m 15s',
              failed_steps: 1,
              warning_steps: 1,
              first_failures: ['Error: step 1 Error'],
              first_warnings: ['Warning: step 2 Warning'],
            },
          },
          links: [{ href: 'https://appliance/#/sessions/77', text: 'Open session in the backup console' }],
          client: 'job-session-notifier',
          client_url: 'https://appliance/#/sessions/77',
        },
      });
    });
  });

  it('keys by session ID when the policy is unknown', () => {
    const decided = pagerDutyEvent(notification(['Error'], null), OPTIONS);
    expect(decided).toMatchObject({ event: { dedup_key: 'backup.example.com/session/77' } });
  });

  it('resolves the policy key on a success, and skips a success it cannot key', () => {
    const success = session({ status: 'Success' });
    expect(pagerDutyEvent(notification(['Success'], success), OPTIONS)).toEqual({
      event: {
        routing_key: OPTIONS.routingKey,
        event_action: 'resolve',
        dedup_key: 'backup.example.com/policy/Nightly-Azure-VMs',
      },
    });
    expect(pagerDutyEvent(notification(['Success'], null), OPTIONS)).toEqual({
      skipped: 'a success with no policy name resolves nothing',
    });
  });

  describe("when only the event names the policy (the appliance's session call failed)", () => {
    const eventNamed = session({ status: 'Success', policyNameFrom: 'event' });

    it("sends no resolve on the event's word", () => {
      expect(pagerDutyEvent(notification(['Success'], eventNamed), OPTIONS)).toEqual({
        skipped: 'a success whose policy only the event names resolves nothing',
      });
    });

    it("keys a failure by session, so it cannot join that policy's incident", () => {
      const failed = notification(['Error'], { ...eventNamed, status: 'Error' });
      expect(pagerDutyEvent(failed, OPTIONS)).toMatchObject({
        event: { event_action: 'trigger', dedup_key: 'backup.example.com/session/77' },
      });
    });
  });

  it('triggers a warning-severity event for warnings only with notifyOn "problems"', () => {
    const warning = notification(['Warning'], session({ status: 'Warning' }));
    expect(pagerDutyEvent(warning, OPTIONS)).toEqual({
      skipped: 'PAGERDUTY_NOTIFY_ON=failures and the session is warning',
    });
    expect(pagerDutyEvent(warning, { ...OPTIONS, notifyOn: 'problems' })).toMatchObject({
      event: { event_action: 'trigger', payload: { severity: 'warning' } },
    });
  });

  it('sends nothing for a canceled or running session', () => {
    expect(pagerDutyEvent(notification(['Canceled'], session({ status: 'Canceled' })), OPTIONS)).toHaveProperty(
      'skipped',
    );
    expect(pagerDutyEvent(notification(['Running'], session({ status: 'Running' })), OPTIONS)).toHaveProperty(
      'skipped',
    );
  });

  it("keeps summary and dedup key within PagerDuty's limits for a huge policy name", () => {
    const decided = pagerDutyEvent(notification(['Error'], session({ policyName: 'p'.repeat(5_000) })), OPTIONS);
    if (!('event' in decided)) throw new Error('expected an event');
    expect(decided.event.dedup_key.length).toBeLessThanOrEqual(PAGERDUTY_LIMITS.dedupKey);
    expect(decided.event.payload?.summary.length).toBeLessThanOrEqual(PAGERDUTY_LIMITS.summary);
  });
});
